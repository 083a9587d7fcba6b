/**
 * A thin GitHub REST client: the configured base URL (api.github.com or a GHES `/api/v3`), the
 * headers GitHub documents (Bearer token, `application/vnd.github+json`, API version 2022-11-28)
 * and {@link githubFailure} for errors. Callers say which statuses are answers (a 404 that means
 * "already removed"); anything else is thrown classified.
 */
import type { Resolved } from '../../config/secret';
import { joinUrl, requestJson, type JsonResponse } from '../http-json';
import type { GithubConfig } from './settings';
import { githubFailure } from './failure';

export const GITHUB_CONNECTOR = 'github';
export const GITHUB_API_VERSION = '2022-11-28';

export class GitHubClient {
  readonly connector = GITHUB_CONNECTOR;

  constructor(private readonly config: Resolved<GithubConfig>) {}

  get org(): string {
    return this.config.org;
  }

  get apiUrl(): string {
    return this.config.api_url;
  }

  /**
   * One request; resolves with the response when its status is in `answers`, throws a classified
   * failure otherwise. Path segments are given raw and each is encoded here.
   */
  async call(operation: string, method: string, segments: string[], answers: number[]): Promise<JsonResponse> {
    const site = { connector: this.connector, operation };
    const response = await requestJson(site, {
      method,
      url: joinUrl(this.config.api_url, segments.map((s) => encodeURIComponent(s)).join('/')),
      headers: {
        Authorization: `Bearer ${this.config.token.reveal()}`,
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': GITHUB_API_VERSION,
        'User-Agent': 'quell-connector',
      },
      // Never follow a redirect: a moved endpoint is reported, not acted on somewhere else.
      redirect: 'manual',
    });
    if (!answers.includes(response.status)) throw githubFailure(site, response);
    return response;
  }

  /** The person's org membership (state active or pending, role), or undefined when there is none. */
  async membership(login: string): Promise<{ state: string; role: string } | undefined> {
    const response = await this.call(`read ${login}'s membership of ${this.org}`, 'GET', ['orgs', this.org, 'memberships', login], [200, 404]);
    if (response.status === 404) return undefined;
    const body = (response.body ?? {}) as Record<string, unknown>;
    return { state: String(body.state ?? 'unknown'), role: String(body.role ?? 'unknown') };
  }
}
