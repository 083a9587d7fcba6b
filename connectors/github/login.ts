/** GitHub logins: alphanumerics and single hyphens, at most 39 characters, no leading hyphen. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** True for a syntactically valid GitHub login (an email or `owner/repo` is not one). */
export function isGithubLogin(value: string): boolean {
  return LOGIN.test(value);
}
