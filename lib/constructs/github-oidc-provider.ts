import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Construct } from 'constructs';
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_URL } from '../access/policies';

export interface GithubOidcProviderProps {
  /**
   * Thumbprints of the provider's certificate chain. AWS verifies GitHub's tokens
   * through its own trusted CAs and ignores them, but the API still takes a list.
   * @default GitHub's two published intermediate thumbprints
   */
  readonly thumbprints?: readonly string[];
}

/** GitHub's published thumbprints for token.actions.githubusercontent.com. */
export const GITHUB_OIDC_THUMBPRINTS = ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'] as const;

/**
 * The account's OIDC identity provider for GitHub Actions: workflows exchange their
 * OIDC token for short-lived role credentials, so no long-lived key exists.
 * @see https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
 */
export class GithubOidcProvider extends Construct {
  readonly provider: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps = {}) {
    super(scope, id);
    const thumbprints = props.thumbprints ?? GITHUB_OIDC_THUMBPRINTS;
    this.provider = new IamOpenidConnectProvider(this, 'Resource', {
      url: GITHUB_OIDC_URL,
      clientIdList: [GITHUB_OIDC_AUDIENCE],
      thumbprintList: [...thumbprints],
    });
  }
}
