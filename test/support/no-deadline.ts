/** A deadline that never comes, for unit tests of code that takes the request's deadline signal. */
export const NO_DEADLINE: AbortSignal = new AbortController().signal;
