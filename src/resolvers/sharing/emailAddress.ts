const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A plausible address (something@host.tld); whether it receives mail is not checked. */
export function isEmailAddress(value: string): boolean {
  return value.length <= 320 && EMAIL.test(value);
}
