/**
 * The committed price table the PR comment's cost estimate uses: on-demand USD per
 * hour (Linux, shared tenancy) for every instance type the arch profiles allow
 * (lib/arch.ts; also their ".large" sizes, used by quarantine fleets), per region the
 * flags files use, and the Application Load Balancer's hourly price. Spot is
 * estimated at a fixed discount from on-demand, from the same table.
 *
 * Update it by hand from the sources below when prices or regions change, and
 * change `retrieved`. A test fails when an arch-profile type or a flags region has
 * no price. Usage-priced parts are named as not estimated (NOT_ESTIMATED).
 */

export interface RegionPrices {
  /** On-demand USD per instance-hour, by instance type. */
  readonly onDemandUsdPerHour: Readonly<Record<string, number>>;
  /** An Application Load Balancer, USD per hour (LCUs are extra, and not estimated). */
  readonly loadBalancerUsdPerHour: number;
}

export interface PriceTable {
  /** When the prices were taken from the sources (ISO date). */
  readonly retrieved: string;
  readonly sources: readonly string[];
  /** Spot price as a discount from on-demand, in per cent: an assumption, not a quote. */
  readonly spotDiscountPercent: number;
  readonly hoursPerMonth: number;
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

/** What the estimate leaves out: billed by usage, not by the hour. */
export const NOT_ESTIMATED: readonly string[] = [
  'load-balancer LCUs (usage)',
  'DynamoDB on-demand reads and writes of the lock table (usage)',
  'S3 storage and requests (access logs, artifacts)',
  'EBS volumes and data transfer',
  'CloudWatch alarms, dashboard and metrics, SNS notifications',
];

export const PRICE_TABLE: PriceTable = {
  retrieved: '2026-11-27',
  sources: [
    'https://aws.amazon.com/ec2/pricing/on-demand/ (Linux/UNIX, shared tenancy, US East (N. Virginia))',
    'https://aws.amazon.com/elasticloadbalancing/pricing/ (Application Load Balancer hour)',
    'spot: an assumed 60 % below on-demand (https://aws.amazon.com/ec2/spot/pricing/ varies by hour and zone)',
  ],
  spotDiscountPercent: 60,
  // 365 days x 24 hours / 12 months: AWS's own monthly convention.
  hoursPerMonth: 730,
  regions: {
    'us-east-1': {
      onDemandUsdPerHour: {
        // arm64 (Graviton)
        'c7g.large': 0.0725,
        'c7g.xlarge': 0.145,
        'c6g.large': 0.068,
        'c6g.xlarge': 0.136,
        'm7g.large': 0.0816,
        'm7g.xlarge': 0.1632,
        'm6g.large': 0.077,
        'm6g.xlarge': 0.154,
        'c6gn.large': 0.0864,
        'c6gn.xlarge': 0.1728,
        // amd64
        'c7i.large': 0.08925,
        'c7i.xlarge': 0.1785,
        'c6i.large': 0.085,
        'c6i.xlarge': 0.17,
        'm7i.large': 0.1008,
        'm7i.xlarge': 0.2016,
        'm6i.large': 0.096,
        'm6i.xlarge': 0.192,
        'c6a.large': 0.0765,
        'c6a.xlarge': 0.153,
        'm6a.large': 0.0864,
        'm6a.xlarge': 0.1728,
      },
      loadBalancerUsdPerHour: 0.0225,
    },
  },
};
