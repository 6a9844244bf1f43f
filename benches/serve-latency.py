"""Driver of benches/serve-latency.sh: the account snapshot, the background load, the timed
attacks, and the median and p99 of the latencies."""
import glob, gzip, http.client, json, statistics, sys, threading, time, uuid

work, url, samples = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, port = url.removeprefix("http://").split(":")
ROLE, INSTANCE = "GuardDuty-Example-EC2-Compromised", "i-0c6ccf4f60832e825"


def records(pattern):
    out = []
    for path in sorted(glob.glob(pattern, recursive=True)):
        out += json.load(gzip.open(path))["Records"]
    return out


def envelope(record):
    return {"version": "0", "id": record["eventID"], "detail-type": "AWS API Call via CloudTrail",
            "source": "aws." + record["eventSource"].split(".")[0], "account": "123456789012",
            "time": record["eventTime"], "region": record["awsRegion"], "resources": [], "detail": record}


def post(conn, events):
    body = json.dumps(events)
    conn.request("POST", "/v1/events", body, {"Content-Type": "application/json",
                                              "Authorization": "Bearer bench"})
    response = conn.getresponse()
    response.read()
    return response.status


workshop = [r for r in records(f"{work}/sim/**/*.json.gz") if INSTANCE in json.dumps(r["userIdentity"])]
own = next(r for r in workshop if r["sourceIPAddress"] == "52.24.73.223")
attack = next(r for r in workshop if r["sourceIPAddress"] == "198.51.100.214")


def session(template, i):
    text = json.dumps(template).replace(ROLE, f"LatencyRole-{i}").replace(INSTANCE, f"i-{i:017x}")
    record = json.loads(text)
    record["eventID"] = str(uuid.uuid4())
    return envelope(record)


# The account snapshot: one role per sample, as `get-account-authorization-details` shows it.
roles = [{"Path": "/", "RoleName": f"LatencyRole-{i}", "RoleId": f"AROALATENCY{i:09d}",
          "Arn": f"arn:aws:iam::123456789012:role/LatencyRole-{i}", "CreateDate": "2026-05-01T00:00:00Z",
          "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
          "InstanceProfileList": [], "RolePolicyList": [], "AttachedManagedPolicies": [], "Tags": []}
         for i in range(samples)]
json.dump({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles, "Policies": []},
          open(f"{work}/account/gaad.json", "w"))
json.dump({"Reservations": []}, open(f"{work}/account/describe-instances.json", "w"))

for _ in range(100):
    try:
        http.client.HTTPConnection(host, int(port)).request("GET", "/healthz")
        break
    except OSError:
        time.sleep(0.1)

# The instances' own calls first: each session is locked to its AWS address.
setup = http.client.HTTPConnection(host, int(port))
for start in range(0, samples, 100):
    assert post(setup, [session(own, i) for i in range(start, min(start + 100, samples))]) == 202
time.sleep(1)

background = [envelope(r) for r in records(f"{work}/bulk/**/*.json.gz")]
stop = threading.Event()
sent = [0]


def load():
    """1,000 events/s: a batch of 100 every 100 ms."""
    conn = http.client.HTTPConnection(host, int(port))
    tick, k = time.monotonic(), 0
    while not stop.is_set():
        batch = background[k:k + 100] or background[:100]
        k = (k + 100) % len(background)
        if post(conn, batch) == 202:
            sent[0] += len(batch)
        tick += 0.1
        time.sleep(max(0.0, tick - time.monotonic()))


loader = threading.Thread(target=load)
loader.start()
time.sleep(2)
conn = http.client.HTTPConnection(host, int(port))
sent_at, baseline = {}, []
started = time.monotonic()
for i in range(samples):
    t0 = time.time()
    assert post(conn, [session(attack, i)]) == 202
    sent_at[f"LatencyRole-{i}"] = t0
    time.sleep(0.05)
    b0 = time.perf_counter()
    assert post(conn, [background[i]]) == 202
    baseline.append((time.perf_counter() - b0) * 1000)
    time.sleep(0.05)
elapsed = time.monotonic() - started
time.sleep(2)
stop.set()
loader.join()


def get(path):
    c = http.client.HTTPConnection(host, int(port))
    c.request("GET", path)
    return json.loads(c.getresponse().read())


role_of = {f["id"]: f["resource"]["accessKeyDetails"]["userName"] for f in get("/v1/findings")}
latencies = []
for entry in get("/v1/actions"):
    role = role_of.get(entry["findingId"])
    if role in sent_at and isinstance(entry["plan"], dict):
        latencies.append(entry["plan"]["planned_ms"] - sent_at[role] * 1000)
latencies.sort()


def p(values, q):
    return values[min(len(values) - 1, len(values) * q // 100)]


print(f"background load: {sent[0] / (elapsed + 4):,.0f} events/s during the run")
print(f"baseline, POST of one benign event (round trip): median {statistics.median(baseline):.2f} ms, "
      f"p99 {p(sorted(baseline), 99):.2f} ms")
print(f"attacker event → remediation's first API call ({len(latencies)} of {samples} attacks): "
      f"median {statistics.median(latencies):.1f} ms, p99 {p(latencies, 99):.1f} ms, max {latencies[-1]:.1f} ms")
assert len(latencies) == samples, "every attack was remediated"
