/**
 * The route matrix (lib/probe/routes.mjs, matrix.mjs): every route of PROBE_ROUTES asked on every replica,
 * run as the ConfigMap's exact bytes against the nginx "Traefik replicas" of the probe harness, whose
 * exact-path locations answer as a route's router would (support/nginx.ts `paths`), the rest falling
 * through to the terminal's gated catch-all. And the router sets compared across the replicas' APIs.
 */
import { ProbeMetric, RouteReason } from '../../lib/metrics';
import type { PushedGroup } from '../support/daemons';
import { EDGE_HOST, ProbeFixtures, ProbeRun, REPLICA_ADDRESSES, runProbe, startProbeFixtures } from '../support/fixtures';
import type { PathAnswer } from '../support/nginx';

let fx: ProbeFixtures;

beforeAll(async () => {
  fx = await startProbeFixtures();
}, 30_000);

afterAll(async () => {
  await fx?.stop();
});

afterEach(async () => {
  await fx.healReplicas();
});

interface Route {
  name: string;
  host: string;
  path: string;
  expect: 'gated' | 'public';
  status?: number;
}

const gated = (name: string, path: string): Route => ({ name, host: EDGE_HOST, path, expect: 'gated' });
const carveOut = (name: string, path: string, status?: number): Route => ({
  name,
  host: EDGE_HOST,
  path,
  expect: 'public',
  ...(status === undefined ? {} : { status }),
});

const [R0, R1, R2] = REPLICA_ADDRESSES;

/** Sets every replica's exact paths; `onR1` replaces some of them on the second replica only. */
async function routePaths(paths: Record<string, PathAnswer>, onR1: Record<string, PathAnswer> = {}): Promise<void> {
  await Promise.all(
    fx.replicas.map((replica, i) => replica.restart({ terminalRoute: true, routers: 119, paths: i === 1 ? { ...paths, ...onR1 } : paths })),
  );
}

type Sample = [Record<string, string>, number];
const byLabels = ([a]: Sample, [b]: Sample): number => JSON.stringify(a).localeCompare(JSON.stringify(b));

function samples(group: PushedGroup | undefined, metric: string): Sample[] {
  return (group?.metrics.get(metric) ?? [])
    .map(({ labels, value }): Sample => {
      const { job: _job, instance: _instance, ...rest } = labels;
      return [rest, value];
    })
    .sort(byLabels);
}

function summaryOf(run: ProbeRun): Record<string, string> {
  const line = run.stdout.split('\n').find((candidate) => candidate.startsWith('probe: token='));
  if (line === undefined) throw new Error(`no summary line in:\n${run.stdout}\n${run.stderr}`);
  return Object.fromEntries(
    line
      .slice('probe: '.length)
      .split(' ')
      .map((field) => field.split('=') as [string, string]),
  );
}

const stderrLines = (run: ProbeRun, start: string): string[] => run.stderr.split('\n').filter((line) => line.startsWith(start));

describe('probe script: the route matrix', () => {
  test('a gated route and carve-outs that hold: counted per route, no failing pair pushed, the run healthy', async () => {
    await routePaths({ '/manifest.json': 'public', '/robots.txt': 'backend-404' });
    const routes = [gated('skills', '/skills'), carveOut('manifest', '/manifest.json', 200), carveOut('robots', '/robots.txt')];
    const run = await runProbe(fx.env('matrix-healthy', { PROBE_ROUTES: JSON.stringify(routes) }));

    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ ok: '1', route_failures: '0/9' });
    for (const replica of REPLICA_ADDRESSES)
      expect(run.stdout).toContain(`probe: replica=${replica} token=302 ws=302 routes_failed=0 routers=119 ok=1`);
    const group = await fx.pushgateway.group({ job: 'matrix-healthy' });
    expect(samples(group, ProbeMetric.routeReplicas)).toStrictEqual(routes.map(({ name }): Sample => [{ route: name }, 3]).sort(byLabels));
    expect(samples(group, ProbeMetric.routeFailingReplicas)).toStrictEqual(routes.map(({ name }): Sample => [{ route: name }, 0]).sort(byLabels));
    expect(group?.metrics.has(ProbeMetric.routeOk)).toBe(false);
    // The route rows are not the terminal's checks: no replica_status series of their own.
    expect(samples(group, ProbeMetric.replicaStatus).map(([labels]) => labels.check)).not.toContain('skills');
  });

  test('each fault named with its replica, route and reason; a route failing everywhere is a route problem', async () => {
    await routePaths(
      { '/manifest.json': 'public', '/icon.png': 'public', '/font.woff2': 'backend-404', '/api/open': 'ungated', '/gone': 'not-routed' },
      { '/manifest.json': 'not-routed' },
    );
    const routes = [
      gated('skills', '/skills'), // gated by the catch-all on every replica: passes
      carveOut('manifest', '/manifest.json', 200), // the second replica lacks its router
      carveOut('icon', '/icon.png'),
      carveOut('font', '/font.woff2', 200), // a backend's 404 where 200 is declared
      carveOut('walled', '/walled.png'), // no carve-out: the catch-all redirects to the outpost
      gated('open', '/api/open'), // answers 200 without auth
      gated('gone', '/gone'), // Traefik's 404 everywhere
    ];
    const run = await runProbe(fx.env('matrix-faults', { PROBE_ROUTES: JSON.stringify(routes) }));

    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ ok: '0', token: '302', route_failures: '13/21' });
    expect(run.stdout).toContain(`probe: replica=${R1} token=302 ws=302 routes_failed=5 routers=119 ok=1`);
    expect(run.stdout).toContain(`probe: replica=${R0} token=302 ws=302 routes_failed=4 routers=119 ok=1`);

    const group = await fx.pushgateway.group({ job: 'matrix-faults' });
    const everywhere = (route: string, reason: string) => REPLICA_ADDRESSES.map((replica): Sample => [{ reason, replica, route }, 0]);
    expect(samples(group, ProbeMetric.routeOk)).toStrictEqual(
      [
        [{ reason: RouteReason.notRouted, replica: R1, route: 'manifest' }, 0] as Sample,
        ...everywhere('font', RouteReason.wrongStatus),
        ...everywhere('walled', RouteReason.walledOff),
        ...everywhere('open', RouteReason.ungated),
        ...everywhere('gone', RouteReason.notRouted),
      ].sort(byLabels),
    );
    const failing = { skills: 0, manifest: 1, icon: 0, font: 3, walled: 3, open: 3, gone: 3 };
    expect(samples(group, ProbeMetric.routeFailingReplicas)).toStrictEqual(
      Object.entries(failing)
        .map(([route, n]): Sample => [{ route }, n])
        .sort(byLabels),
    );
    // The terminal's own route is fine everywhere: no replica is "failing" in replica_ok.
    expect(samples(group, ProbeMetric.replicaOk).map(([, value]) => value)).toStrictEqual([1, 1, 1]);

    expect(run.stderr).toContain(`probe: replica ${R1} route manifest: not_routed: Traefik's own 404 (404 page not found): no router matched`);
    expect(run.stderr).toContain(`probe: replica ${R0} route font: wrong_status: status 404, want 200`);
    expect(run.stderr).toContain(`probe: replica ${R2} route walled: walled_off: status 302 to the Authentik outpost`);
    expect(run.stderr).toContain(
      `probe: replica ${R0} route open: ungated: status 200, not the redirect to the Authentik outpost: the route answers without auth`,
    );
    expect(run.stderr).toContain('probe: route gone: failed on 3 of 3 replicas: on every replica, a route problem, not a replica problem');
    expect(run.stderr).toContain('probe: route manifest: failed on 1 of 3 replicas\n');
    // Only the lone replica without a route the others route differs from the majority; the route
    // missing everywhere makes no replica differ.
    expect(stderrLines(run, 'probe: replica ').filter((line) => line.includes('differs from the majority'))).toStrictEqual([
      `probe: replica ${R1} differs from the majority: route manifest not routed here, routed on 2 of 3 replicas`,
    ]);
  });

  test("Traefik's own 404 is not_routed; a backend's 404 passes a carve-out that declares no status, and one that declares 404", async () => {
    await routePaths({ '/missing.css': 'not-routed', '/asset.css': 'backend-404' });
    const routes = [carveOut('traefik-404', '/missing.css'), carveOut('backend-404', '/asset.css'), carveOut('declared-404', '/asset.css', 404)];
    const run = await runProbe(fx.env('matrix-404', { PROBE_ROUTES: JSON.stringify(routes) }));

    expect(summaryOf(run)).toMatchObject({ route_failures: '3/9' });
    const group = await fx.pushgateway.group({ job: 'matrix-404' });
    expect(samples(group, ProbeMetric.routeOk).map(([labels]) => `${labels.route} ${labels.reason}`)).toStrictEqual(
      Array(3).fill(`traefik-404 ${RouteReason.notRouted}`),
    );
  });

  test('a redirect elsewhere is wrong_redirect; a replica that does not answer is no_answer', async () => {
    await fx.replicas[0].restart({ terminalRoute: true, routers: 119, wrongRedirect: 'host' });
    const silent = '127.0.0.9'; // nothing listens there
    const run = await runProbe(
      fx.env('matrix-redirect', { PROBE_ROUTES: JSON.stringify([gated('skills', '/skills')]), PROBE_REPLICAS: `${R0},${R1},${silent}` }),
    );

    const group = await fx.pushgateway.group({ job: 'matrix-redirect' });
    expect(samples(group, ProbeMetric.routeOk)).toStrictEqual(
      [
        [{ reason: RouteReason.wrongRedirect, replica: R0, route: 'skills' }, 0] as Sample,
        [{ reason: RouteReason.noAnswer, replica: silent, route: 'skills' }, 0] as Sample,
      ].sort(byLabels),
    );
    expect(run.stderr).toContain(`probe: replica ${R0} route skills: wrong_redirect: status 302 to host "evil.example.test"`);
    expect(run.stderr).toMatch(new RegExp(`probe: replica 127\\.0\\.0\\.9 route skills: no_answer: .*ECONNREFUSED`));
  });

  test('a pair the run deadline cuts off is neither counted nor named', async () => {
    // A replica that takes the connection and never answers: its first check holds it past the deadline.
    const run = await runProbe(
      fx.env('matrix-cut-off', {
        PROBE_ROUTES: JSON.stringify([gated('skills', '/skills')]),
        PROBE_REPLICAS: '127.0.0.1',
        PROBE_REPLICA_PORT: String(fx.blackHole.port),
        PROBE_ROUTER_INVENTORY: '0',
        PROBE_TIMEOUT_SECONDS: '1',
        PROBE_DEADLINE_SECONDS: '2.5', // the route's request is in flight then (each check before it waits out its 1 s)
      }),
    );
    expect(summaryOf(run)).toMatchObject({ ok: '0', route_failures: '0/0' });
    const group = await fx.pushgateway.group({ job: 'matrix-cut-off' });
    expect(samples(group, ProbeMetric.routeReplicas)).toStrictEqual([[{ route: 'skills' }, 0]]);
    expect(group?.metrics.has(ProbeMetric.routeOk)).toBe(false);
  });

  test('the routes are asked on the replicas only, never through the public edge', async () => {
    await routePaths({ '/only-on-replicas.txt': 'public' });
    const routes = [carveOut('only', '/only-on-replicas.txt', 200)];
    // An edge that answers nothing: the route's answers all come from the replicas.
    const run = await runProbe(
      fx.env('matrix-no-edge', {
        PROBE_ROUTES: JSON.stringify(routes),
        PROBE_EDGE_URL: fx.blackHoleUrl,
        PROBE_TIMEOUT_SECONDS: '1',
        PROBE_DEADLINE_SECONDS: '3',
      }),
    );
    expect(summaryOf(run)).toMatchObject({ route_failures: '0/3' });
  }, 40_000);
});

describe('probe script: router sets, not counts', () => {
  const own = ['router-0@kubernetes', 'router-1@kubernetes', 'router-118@kubernetes', 'router-500@kubernetes'];
  const sets = { PROBE_OWN_ROUTERS: own.join(','), PROBE_TTYD_ROUTERS: 'router-0@kubernetes' };

  test('a replica lacking a router the others list is named with it; a router no replica lists is a route problem', async () => {
    await fx.replicas[1].restart({ terminalRoute: true, routers: 118 }); // lists router-0 .. router-117
    const run = await runProbe(fx.env('matrix-sets', sets));

    expect(run.code).toBe(0);
    const group = await fx.pushgateway.group({ job: 'matrix-sets' });
    expect(samples(group, ProbeMetric.replicaMissingRouter)).toStrictEqual([[{ replica: R1, router: 'router-118@kubernetes' }, 1]]);
    expect(samples(group, ProbeMetric.routerMissingEverywhere)).toStrictEqual([[{ router: 'router-500@kubernetes' }, 1]]);
    expect(run.stderr).toContain(`probe: replica ${R1} lacks 1 of the stack's routers that at least half of 3 replicas list: router-118@kubernetes`);
    expect(run.stderr).toContain(`probe: replica ${R1} differs from the majority: lacks router router-118@kubernetes, listed by 2 of 3 replicas`);
    expect(run.stderr).toContain('probe: routers no replica lists (a route problem, e.g. a backend without endpoints): router-500@kubernetes');
    // Router sets are the inventory's: informational, the terminal's checks pass.
    expect(summaryOf(run)).toMatchObject({ ok: '1' });
  });

  test('with two replicas the one lacking a router is reported, but differs from no majority', async () => {
    await fx.replicas[1].restart({ terminalRoute: true, routers: 118 });
    const run = await runProbe(fx.env('matrix-sets-two', { ...sets, PROBE_REPLICAS: `${R0},${R1}` }));

    const group = await fx.pushgateway.group({ job: 'matrix-sets-two' });
    expect(samples(group, ProbeMetric.replicaMissingRouter)).toStrictEqual([[{ replica: R1, router: 'router-118@kubernetes' }, 1]]);
    expect(run.stderr).not.toContain('differs from the majority');
  });
});

describe('probe script: the route matrix, bounded', () => {
  test(`PROBE_ROUTES is checked with the other variables: at most 50 routes, each well formed, names once`, async () => {
    const many = Array.from({ length: 51 }, (_, i) => gated(`r${i}`, `/p${i}`));
    const tooMany = await runProbe(fx.env('matrix-bad', { PROBE_ROUTES: JSON.stringify(many), PROBE_SAMPLES: '0' }));
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('probe: bad configuration: PROBE_SAMPLES="0" is not an integer from 1 to 100');
    expect(tooMany.stderr).toContain('probe: bad configuration: PROBE_ROUTES holds 51 routes; at most 50');

    const bad = [gated('Bad Name', 'no-slash'), { ...gated('twice', '/a'), status: 200 }, gated('twice', '/b'), carveOut('odd', '/c', 99)];
    const run = await runProbe(fx.env('matrix-bad', { PROBE_ROUTES: JSON.stringify(bad) }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PROBE_ROUTES[0].name "Bad Name" is not a route name');
    expect(run.stderr).toContain('[0].path "no-slash" is not an absolute path');
    expect(run.stderr).toContain('[1].status is for a public route');
    expect(run.stderr).toContain('[3].status 99 is not an HTTP status (100-599)');
    expect(run.stderr).toContain('route names given twice: "twice"');
    expect((await runProbe(fx.env('matrix-bad', { PROBE_ROUTES: '{"name":' }))).stderr).toContain('PROBE_ROUTES is not JSON');
    expect(await fx.pushgateway.group({ job: 'matrix-bad' })).toBeUndefined();
  });

  test('50 routes failing on 3 replicas: every pair pushed, at most 50 reason lines printed and the rest counted', async () => {
    const routes = Array.from({ length: 50 }, (_, i) => carveOut(`walled-${i}`, `/walled-${i}.png`));
    const run = await runProbe(fx.env('matrix-many', { PROBE_ROUTES: JSON.stringify(routes) }));

    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ route_failures: '150/150' });
    expect(stderrLines(run, 'probe: replica ').filter((line) => line.includes(' route walled-'))).toHaveLength(50);
    expect(run.stderr).toContain('probe: route matrix: 100 more lines like the above not printed');
    const group = await fx.pushgateway.group({ job: 'matrix-many' });
    expect(group?.metrics.get(ProbeMetric.routeOk)).toHaveLength(150);
    expect(samples(group, ProbeMetric.routeReplicas)).toHaveLength(50);
  });
});
