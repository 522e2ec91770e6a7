/**
 * The committed price table the PR comment's cost estimate uses: on-demand USD per
 * hour (Linux, shared tenancy) for every instance type the arch profiles allow
 * (lib/arch.ts; also their ".large" sizes, used by quarantine fleets), per region the
 * flags files use, and the Application Load Balancer's hourly price. Spot is
 * estimated at a fixed discount from on-demand, from the same table.
 *
 * Provenance, honestly: the figures were typed by hand from AWS's pricing pages
 * (they were not fetched by a program, and AWS's pages render their prices with
 * JavaScript, so no stored copy of them shows the numbers). On 2026-11-27 each figure
 * was checked against stored public copies of third-party pages and of public
 * repositories' price tables (PRICE_CHECKS says where each was seen); none differed.
 * Two could not be checked anywhere: c6gn.large and c6gn.xlarge (kept as typed, and
 * named as unchecked in the PR comment's sources). These are list prices; they change
 * rarely, but they do change: re-check them against https://aws.amazon.com/ec2/pricing/on-demand/
 * when prices or regions change, update PRICE_CHECKS and `retrieved`. A test fails
 * when an arch-profile type or a flags region has no price, or a price has no check
 * entry. Usage-priced parts are named as not estimated (NOT_ESTIMATED).
 */

export interface RegionPrices {
  /** On-demand USD per instance-hour, by instance type. */
  readonly onDemandUsdPerHour: Readonly<Record<string, number>>;
  /** An Application Load Balancer, USD per hour (LCUs are extra, and not estimated). */
  readonly loadBalancerUsdPerHour: number;
}

export interface PriceTable {
  /** When the figures were last checked against public sources (ISO date); see PRICE_CHECKS. */
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
    'typed by hand from https://aws.amazon.com/ec2/pricing/on-demand/ (Linux/UNIX, shared tenancy, US East (N. Virginia)) and https://aws.amazon.com/elasticloadbalancing/pricing/ (Application Load Balancer hour)',
    'checked against public copies of third-party price tables, none differed; c6gn.large and c6gn.xlarge unchecked (lib/cost/prices.ts, PRICE_CHECKS)',
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

/**
 * Where each us-east-1 figure was seen on 2026-11-27 when it was checked (stored public
 * copies, found with the project's search tool; third-party material, not AWS's own
 * word). "unchecked": no public copy showed it. "pages" is a stored web page, "docs" a
 * stored documentation or gist page, "code" a public repository's price table.
 */
export const PRICE_CHECKS: Readonly<Record<string, string>> = {
  'c7g.large': 'code: several public price tables of us-east-1 on-demand prices (0.0725)',
  'c7g.xlarge': 'code: several public price tables (0.145)',
  'c6g.large': 'code: public price tables (0.068)',
  'c6g.xlarge': 'code: public price tables (0.136)',
  'm7g.large': 'pages: factualminds.com, "Amazon EC2 On-Demand Pricing ... (2026)", June 2026: "m7g.large Linux ... $0.0816/hr" in us-east-1; code: public price tables',
  'm7g.xlarge': 'code: public price tables (0.1632)',
  'm6g.large': 'docs: gist archae0pteryx/b3c1580dab2059083e862a9a679936ad (Nov 2023, $0.077); code: public price tables',
  'm6g.xlarge': 'code: public price tables (0.154)',
  'c6gn.large': 'unchecked: no public copy showed a c6gn price',
  'c6gn.xlarge': 'unchecked: no public copy showed a c6gn price',
  'c7i.large': 'code: public price table of us-east-1 Linux on-demand, January 2025 (0.08925)',
  'c7i.xlarge': 'code: the same table (0.1785)',
  'c6i.large': 'docs: infracost output in gist alikhajeh1/6107727c5218382b9cc6af69be562111 (730 h $62.05 = $0.085/h); code: public price tables',
  'c6i.xlarge': 'code: public price tables (0.17)',
  'm7i.large': 'code: public price table of us-east-1 Linux on-demand, January 2025 (0.1008)',
  'm7i.xlarge': 'code: the same table (0.2016)',
  'm6i.large': 'code: public price tables (0.096)',
  'm6i.xlarge': 'code: public price tables (0.192)',
  'c6a.large': 'code: public price tables (0.0765)',
  'c6a.xlarge': 'code: public price tables (0.153)',
  'm6a.large': 'docs: infracost output in gist alikhajeh1/6107727c5218382b9cc6af69be562111 (730 h $63.07 = $0.0864/h); gist archae0pteryx/b3c1580dab2059083e862a9a679936ad',
  'm6a.xlarge': 'code: public price table of us-east-1 Linux on-demand, January 2025 (0.1728)',
  'application-load-balancer-hour': 'code: several public documents quoting AWS "$0.0225 per Application Load Balancer-hour (or partial hour)" in US regions',
};
