import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { PolicyDocument } from '../access/policies';

export interface GithubActionsRoleProps {
  /** Role name, at most 64 characters. */
  readonly name: string;
  readonly description: string;
  /** Who may assume it: the GitHub OIDC provider with exact subjects (lib/access/policies.ts). */
  readonly trust: PolicyDocument;
  /** What it may do. */
  readonly policy: PolicyDocument;
  /** The OIDC provider the trust names, so Terraform creates it first. */
  readonly provider: ITerraformDependable;
  /** Longest session, in seconds, 3600-43200. @default 3600 */
  readonly maxSessionDurationSeconds?: number;
}

/** An IAM role that GitHub Actions workflows assume through OIDC, with one inline policy. */
export class GithubActionsRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: GithubActionsRoleProps) {
    super(scope, id);
    const maxSession = props.maxSessionDurationSeconds ?? 3600;
    if (props.name.length > 64) throw new Error(`GithubActionsRole name must be at most 64 characters; got ${JSON.stringify(props.name)}`);
    if (maxSession < 3600 || maxSession > 43200) throw new Error(`maxSessionDurationSeconds must be between 3600 and 43200 (inclusive); got ${maxSession}`);
    this.role = new IamRole(this, 'Resource', {
      name: props.name,
      description: props.description,
      assumeRolePolicy: JSON.stringify(props.trust),
      maxSessionDuration: maxSession,
      dependsOn: [props.provider],
    });
    new IamRolePolicy(this, 'Policy', { name: 'fleetflags', role: this.role.name, policy: JSON.stringify(props.policy) });
  }
}
