/** Where the fleet runs: its VPC and subnets. */
import * as z from 'zod';

export const network = z
  .strictObject({
    vpcId: z
      .string()
      .regex(/^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: 'a VPC ID: "vpc-" and 8 or 17 hex digits' })
      .describe('VPC of the load balancer and the fleets.'),
    subnetIds: z
      .array(z.string().regex(/^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: 'a subnet ID: "subnet-" and 8 or 17 hex digits' }))
      .min(2)
      .max(16)
      .describe('Subnets of the load balancer and the fleets, in at least two Availability Zones: 2-16 IDs, each once.'),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, {
        error: 'an ACM certificate ARN, "arn:aws:acm:<region>:<account>:certificate/<uuid>"',
      })
      .optional()
      .describe('ACM certificate for an HTTPS listener, in the environment\'s own region and account. Default: none, and the listener is plain HTTP.'),
    ingressCidrs: z
      .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, { error: 'an IPv4 CIDR such as "10.0.0.0/8"' }))
      .min(1)
      .max(50)
      .default(['0.0.0.0/0'])
      .describe('IPv4 ranges allowed to reach the load balancer: network addresses (no bits set after the prefix, prefix 0-32), each once. Default ["0.0.0.0/0"].'),
    agentPort: z.number().int().min(1024).max(65535).default(8080).describe('Port the agent listens on, 1024-65535. Default 8080.'),
    healthCheckPath: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\/-]{0,1023}$/, { error: 'a URL path starting with "/"' })
      .default('/healthz')
      .describe('Path the target groups probe; the agent answers 200 when it is ready. Default "/healthz".'),
  })
  .describe('Where the fleet runs. The sandbox names the emulator\'s default VPC and subnets (the same IDs on every start).');
