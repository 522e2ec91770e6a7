import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { deployRolePolicy, deployRoleTrust, planRolePolicy, planRoleTrust } from '../lib/access/policies';
import { GithubActionsRole } from '../lib/constructs/github-actions-role';
import { GithubOidcProvider } from '../lib/constructs/github-oidc-provider';
import type { Flags } from '../lib/flags/schema';
import { deployRoleName, planRoleName } from '../lib/naming';
import { configureEnvironment } from './environment';

export interface AccessStackProps {
  /** Flags of an environment with `access` set. */
  readonly flags: Flags & { readonly access: NonNullable<Flags['access']> };
}

/**
 * `<env>-access`: who can plan and who can deploy the environment. The GitHub OIDC
 * provider, a read-only plan role (pull requests and main) and a deploy role (the
 * GitHub environment only). An administrator applies it (docs/security.md); the
 * deploy role can neither change it nor write its state.
 */
export class AccessStack extends TerraformStack {
  readonly planRole: GithubActionsRole;
  readonly deployRole: GithubActionsRole;

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    super(scope, id);
    const { flags } = props;
    configureEnvironment(this, flags, id);
    const oidc = new GithubOidcProvider(this, 'GithubOidc');
    this.planRole = new GithubActionsRole(this, 'PlanRole', {
      name: planRoleName(flags.environment),
      description: `fleetflags: plan ${flags.environment} (read-only) from ${flags.access.githubRepository} pull requests and main`,
      trust: planRoleTrust(flags),
      policy: planRolePolicy(flags),
      provider: oidc.provider,
    });
    this.deployRole = new GithubActionsRole(this, 'DeployRole', {
      name: deployRoleName(flags.environment),
      description: `fleetflags: deploy ${flags.environment} from the GitHub environment ${flags.environment} of ${flags.access.githubRepository}`,
      trust: deployRoleTrust(flags),
      policy: deployRolePolicy(flags),
      provider: oidc.provider,
    });
    new TerraformOutput(this, 'plan_role_arn', { value: this.planRole.role.arn });
    new TerraformOutput(this, 'deploy_role_arn', { value: this.deployRole.role.arn });
  }
}
