/** An error whose status and message are safe to send to the caller as they are. */
export class HookError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HookError';
  }
}
