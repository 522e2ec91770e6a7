/**
 * The emulator's request log (emulator/server.py, `log_request`): one line per request with
 * the AWS service, the operation, the HTTP status and the time spent waiting for the
 * one-request lock and in moto. A failed lifecycle step prints the failed ones
 * (test/helpers/emulator.ts `failedRequests`), so a flaky apply shows which call failed and
 * whether it was sent twice. Tested through the middleware with a WSGI app that answers as
 * moto would, and read back with the same parser the lifecycle suite uses.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pythonOf } from '../../lib/emulator/emulator';
import { failedRequests } from '../helpers/emulator';

const EMULATOR_DIR = path.resolve(__dirname, '..', '..', 'emulator');

const SCRIPT = `
import io, sys
sys.path.insert(0, sys.argv[1])
import server

def app(environ, start_response):
    body = environ["wsgi.input"].read()
    start_response("409 Conflict" if b"RoleName=taken" in body else "200 OK", [])
    return [b"<ok/>"]

handler = server.OneRequestAtATime(app)

def call(body, **headers):
    environ = {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)), "REQUEST_METHOD": "POST", "PATH_INFO": "/"}
    environ.update(headers)
    b"".join(handler(environ, lambda *a: None))

iam = "AWS4-HMAC-SHA256 Credential=fleetflags-emulator/20261127/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x"
form = "application/x-www-form-urlencoded; charset=utf-8"
call(b"Action=CreateRole&RoleName=fresh&Version=2010-05-08", HTTP_AUTHORIZATION=iam, CONTENT_TYPE=form)
call(b"Action=CreateRole&RoleName=taken&Version=2010-05-08", HTTP_AUTHORIZATION=iam, CONTENT_TYPE=form)
dynamodb = iam.replace("/iam/", "/dynamodb/")
call(b"{}", HTTP_AUTHORIZATION=dynamodb, HTTP_X_AMZ_TARGET="DynamoDB_20120810.DescribeTable", CONTENT_TYPE="application/x-amz-json-1.0")
call(b"", HTTP_AUTHORIZATION=iam.replace("/iam/", "/s3/"), REQUEST_METHOD="PUT", PATH_INFO="/bucket/key")
`;

/** The log lines (stderr) of the script's four requests. */
function requestLog(): string[] {
  const result = spawnSync(pythonOf(), ['-c', SCRIPT, EMULATOR_DIR], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stderr.trim().split('\n');
}

describe('the emulator request log', () => {
  const lines = requestLog();

  it('GIVEN four requests WHEN the middleware answers them THEN it logs one line each: service, operation, status, timings', () => {
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^fleetflags-request \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z iam CreateRole 200 took=\d+ms waited=\d+ms$/);
    expect(lines[2]).toMatch(/ dynamodb DescribeTable 200 /);
    expect(lines[3]).toMatch(/ s3 PUT \/bucket\/key 200 /);
  });

  it('GIVEN a call moto refused WHEN the lifecycle reads the log THEN that call alone is reported', () => {
    expect(failedRequests(lines.join('\n'))).toEqual([expect.stringMatching(/ iam CreateRole 409 took=/)]);
  });
});
