/**
 * The emulator answers one request at a time (emulator/server.py, OneRequestAtATime):
 * each AWS API call is atomic, and moto's backends have no locking of their own. The
 * lock table's claim protocol depends on it (two winners of one claim were seen in the
 * lifecycle suite on a loaded machine before requests were serialized). The race needs
 * a thread switch inside moto's put_item, which an idle machine rarely makes, so the
 * middleware is tested directly: eight threads through a WSGI app that sleeps while it
 * counts how many calls overlap, with the middleware and, as the control, without it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pythonOf } from '../../lib/emulator/emulator';

const EMULATOR_DIR = path.resolve(__dirname, '..', '..', 'emulator');

const SCRIPT = `
import io, json, sys, threading, time
sys.path.insert(0, sys.argv[1])
import server

def run(wrap):
    state = {"active": 0, "peak": 0, "bodies": []}
    guard = threading.Lock()
    def app(environ, start_response):
        with guard:
            state["active"] += 1
            state["peak"] = max(state["peak"], state["active"])
        body = environ["wsgi.input"].read()
        time.sleep(0.02)
        with guard:
            state["active"] -= 1
            state["bodies"].append(body.decode())
        start_response("200 OK", [])
        return [b"o", b"k"]
    handler = server.OneRequestAtATime(app) if wrap else app
    answers = []
    def call(i):
        data = f"request-{i}".encode()
        environ = {"wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data))}
        answers.append(b"".join(handler(environ, lambda *a: None)).decode())
    threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for t in threads: t.start()
    for t in threads: t.join()
    return {"peak": state["peak"], "bodies": sorted(state["bodies"]), "answers": answers}

print(json.dumps({"with": run(True), "without": run(False)}))
`;

describe('OneRequestAtATime', () => {
  it('GIVEN eight requests at once WHEN they go through the middleware THEN they never overlap, each body and answer intact; without it they do', () => {
    const out = JSON.parse(execFileSync(pythonOf(), ['-c', SCRIPT, EMULATOR_DIR], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as Record<'with' | 'without', { peak: number; bodies: string[]; answers: string[] }>;
    expect(out.with.peak).toBe(1);
    expect(out.with.bodies).toEqual(Array.from({ length: 8 }, (_, i) => `request-${i}`).sort());
    expect(out.with.answers).toEqual(Array(8).fill('ok'));
    // The control: the same app and threads, no middleware, overlap.
    expect(out.without.peak).toBeGreaterThan(1);
  });
});
