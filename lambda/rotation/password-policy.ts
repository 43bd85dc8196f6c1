/**
 * How the hook's password is generated, both when the stack creates the secret and at each rotation:
 * 64 letters and digits, about 380 bits, nothing that needs escaping in a header, a shell or a form.
 */
export const PASSWORD_LENGTH = 64;
