// The benchmark's reference point: the smallest real cdktf app (one provider, one
// bucket), run by plain `node` with no transpiler. scripts/bench.ts times it next
// to our full synthesis.
const { App, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { S3Bucket } = require('@cdktf/provider-aws/lib/s3-bucket');

const app = new App();
const stack = new TerraformStack(app, 'one-bucket');
new AwsProvider(stack, 'aws', { region: 'us-east-1' });
new S3Bucket(stack, 'bucket', { bucket: 'fleetflags-bench-one-bucket' });
app.synth();
