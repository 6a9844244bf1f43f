import json, os
# Writes the conformance cases; run from the repository root:
#   python3 crates/iam/tests/conformance-source/gen.py
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'conformance')
os.makedirs(OUT, exist_ok=True)
UG = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/'
CO = UG + 'reference_policies_elements_condition_operators.html'
MV = UG + 'reference_policies_condition-single-vs-multi-valued-context-keys.html'
VAR = UG + 'reference_policies_variables.html'
EVAL = UG + 'reference_policies_evaluation-logic.html'
XACC = UG + 'reference_policies_evaluation-logic-cross-account.html'
PB = UG + 'access_policies_boundaries.html'
SESS = UG + 'access_policies.html#policies_session'
RES = UG + 'reference_policies_elements_resource.html'
ACT = UG + 'reference_policies_elements_action.html'
NACT = UG + 'reference_policies_elements_notaction.html'
NRES = UG + 'reference_policies_elements_notresource.html'
PRIN = UG + 'reference_policies_elements_principal.html'
NPRIN = UG + 'reference_policies_elements_notprincipal.html'
VER = UG + 'reference_policies_elements_version.html'
REVOKE = UG + 'id_roles_use_revoke-sessions.html'
GK = UG + 'reference_policies_condition-keys.html'
SCP = 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html'
RCP = 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html'
GCI = 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html'
EC2VPC = UG + 'reference_policies_condition-keys.html#condition-keys-ec2instancesourcevpc'

A = '111122223333'
B = '444455556666'
USER = f'arn:aws:iam::{A}:user/alice'
ROLE = f'arn:aws:iam::{A}:role/app'
SESSION = f'arn:aws:sts::{A}:assumed-role/app/s1'
XUSER = f'arn:aws:iam::{B}:user/bob'
XSESSION = f'arn:aws:sts::{B}:assumed-role/other/s2'
BUCKET = 'arn:aws:s3:::amzn-s3-demo-bucket'
OBJ = BUCKET + '/doc.txt'

def doc(*stmts, version='2012-10-17'):
    d = {}
    if version is not None:
        d['Version'] = version
    d['Statement'] = list(stmts) if len(stmts) != 1 else stmts[0]
    return d

def allow(action='s3:GetObject', resource='*', cond=None, **kw):
    s = {'Effect': 'Allow', 'Action': action}
    if resource is not None:
        s['Resource'] = resource
    if cond:
        s['Condition'] = cond
    s.update(kw)
    return s

def deny(action='*', resource='*', cond=None, **kw):
    s = allow(action, resource, cond, **kw)
    s['Effect'] = 'Deny'
    return s

def req(action='s3:GetObject', resource=OBJ, principal=USER, ctx=None, account=None):
    r = {'action': action, 'resource': resource, 'principal': principal}
    if account is not None:
        r['resource_account'] = account
    if ctx:
        r['context'] = ctx
    return r

files = {}
def add(fname, name, source, expected, request, matched=None, **policies):
    c = {'name': name, 'source': source, 'input': dict(policies, request=request), 'expected': expected}
    if matched is not None:
        c['matched'] = matched
    files.setdefault(fname, []).append(c)

def cond_case(fname, name, source, op, key, pval, ctx, ok, version='2012-10-17'):
    """An identity policy allowing s3:GetObject under one condition."""
    add(fname, name, source, 'Allowed' if ok else 'ImplicitlyDenied',
        req(ctx=ctx), identity_policies=[doc(allow(cond={op: {key: pval}}), version=version)])

AL, ID = True, False

# ---------------- String operators ----------------
F = 'operators-string.json'
k = 'aws:PrincipalTag/team'
for op, pv, v, ok in [
    ('StringEquals', 'blue', 'blue', AL), ('StringEquals', 'blue', 'Blue', ID), ('StringEquals', 'blue', 'blue2', ID),
    ('StringEquals', ['red', 'blue'], 'blue', AL), ('StringEquals', ['red', 'green'], 'blue', ID),
    ('StringEquals', 'bl*', 'blue', ID), ('StringEquals', 'bl*', 'bl*', AL), ('StringEquals', '', '', AL),
    ('StringNotEquals', 'blue', 'red', AL), ('StringNotEquals', 'blue', 'blue', ID),
    ('StringNotEquals', ['red', 'blue'], 'blue', ID), ('StringNotEquals', ['red', 'blue'], 'green', AL),
    ('StringNotEquals', 'blue', 'BLUE', AL),
    ('StringEqualsIgnoreCase', 'blue', 'BLUE', AL), ('StringEqualsIgnoreCase', 'BlUe', 'bLuE', AL), ('StringEqualsIgnoreCase', 'blue', 'blu', ID),
    ('StringNotEqualsIgnoreCase', 'blue', 'BLUE', ID), ('StringNotEqualsIgnoreCase', 'blue', 'red', AL),
    ('StringLike', 'bl*', 'blue', AL), ('StringLike', 'bl*', 'Blue', ID), ('StringLike', 'b??e', 'blue', AL), ('StringLike', 'b??e', 'bue', ID),
    ('StringLike', '*', '', AL), ('StringLike', 'a*b*c', 'a-b-c', AL), ('StringLike', 'a*b*c', 'a-c-b', ID),
    ('StringLike', 'x:*', 'x:y:z', AL), ('StringLike', ['r*', 'g*'], 'green', AL),
    ('StringNotLike', 'bl*', 'blue', ID), ('StringNotLike', 'bl*', 'red', AL), ('StringNotLike', ['r*', 'b*'], 'blue', ID),
]:
    cond_case(F, f'{op} {json.dumps(pv)} vs {json.dumps(v)}', CO, op, k, pv, {k: v}, ok)
# missing key
for op, ok in [('StringEquals', ID), ('StringNotEquals', AL), ('StringEqualsIgnoreCase', ID), ('StringNotEqualsIgnoreCase', AL),
               ('StringLike', ID), ('StringNotLike', AL)]:
    cond_case(F, f'{op} with the key missing', CO, op, k, 'blue', None, ok)
# key names are case-insensitive
cond_case(F, 'condition key names are case-insensitive', CO, 'StringEquals', 'AWS:PrincipalTag/Team', 'blue', {'aws:principaltag/team': 'blue'}, AL)
# several keys AND, several operators AND
add(F, 'two keys under one operator must both match', CO, 'ImplicitlyDenied', req(ctx={'aws:PrincipalTag/a': '1', 'aws:PrincipalTag/b': '3'}),
    identity_policies=[doc(allow(cond={'StringEquals': {'aws:PrincipalTag/a': '1', 'aws:PrincipalTag/b': '2'}}))])
add(F, 'two keys under one operator both matching', CO, 'Allowed', req(ctx={'aws:PrincipalTag/a': '1', 'aws:PrincipalTag/b': '2'}),
    identity_policies=[doc(allow(cond={'StringEquals': {'aws:PrincipalTag/a': '1', 'aws:PrincipalTag/b': '2'}}))])
add(F, 'two operators must both hold', CO, 'ImplicitlyDenied', req(ctx={'aws:PrincipalTag/a': '1', 'aws:SourceIp': '10.0.0.1'}),
    identity_policies=[doc(allow(cond={'StringEquals': {'aws:PrincipalTag/a': '1'}, 'IpAddress': {'aws:SourceIp': '192.0.2.0/24'}}))])
add(F, 'two operators both holding', CO, 'Allowed', req(ctx={'aws:PrincipalTag/a': '1', 'aws:SourceIp': '192.0.2.7'}),
    identity_policies=[doc(allow(cond={'StringEquals': {'aws:PrincipalTag/a': '1'}, 'IpAddress': {'aws:SourceIp': '192.0.2.0/24'}}))])
# multivalued key with a plain operator
cond_case(F, 'plain StringEquals on a multivalued key does not match', MV, 'StringEquals', 'aws:TagKeys', 'a', {'aws:TagKeys': ['a', 'b']}, ID)
cond_case(F, 'plain StringNotEquals on a multivalued key does not match either', MV, 'StringNotEquals', 'aws:TagKeys', 'c', {'aws:TagKeys': ['a', 'b']}, ID)
cond_case(F, 'a one-element list behaves as a single value', MV, 'StringEquals', 'aws:PrincipalTag/team', 'a', {'aws:PrincipalTag/team': ['a']}, AL)

# ---------------- Numeric ----------------
F = 'operators-numeric.json'
k = 's3:max-keys'
for op, pv, v, ok in [
    ('NumericEquals', '10', '10', AL), ('NumericEquals', '10', '10.0', AL), ('NumericEquals', '10', '11', ID), ('NumericEquals', 10, '10', AL),
    ('NumericEquals', ['5', '10'], '5', AL),
    ('NumericNotEquals', '10', '11', AL), ('NumericNotEquals', '10', '10', ID), ('NumericNotEquals', ['10', '11'], '11', ID),
    ('NumericLessThan', '10', '9', AL), ('NumericLessThan', '10', '10', ID), ('NumericLessThan', '10', '-3', AL), ('NumericLessThan', '1.5', '1.25', AL),
    ('NumericLessThanEquals', '10', '10', AL), ('NumericLessThanEquals', '10', '10.5', ID),
    ('NumericGreaterThan', '10', '11', AL), ('NumericGreaterThan', '10', '10', ID),
    ('NumericGreaterThanEquals', '10', '10', AL), ('NumericGreaterThanEquals', '10', '9.99', ID),
    ('NumericEquals', '10', 'ten', ID), ('NumericNotEquals', '10', 'ten', ID),
]:
    cond_case(F, f'{op} {json.dumps(pv)} vs {json.dumps(v)}', CO, op, k, pv, {k: v}, ok)
for op, ok in [('NumericEquals', ID), ('NumericNotEquals', AL), ('NumericLessThan', ID), ('NumericGreaterThanEquals', ID)]:
    cond_case(F, f'{op} with the key missing', CO, op, k, '10', None, ok)
add(F, 'numeric operators do not substitute variables (invalid number)', CO, 'invalid', req(ctx={k: '1'}),
    identity_policies=[doc(allow(cond={'NumericEquals': {k: '${aws:username}'}}))])

# ---------------- Date ----------------
F = 'operators-date.json'
k = 'aws:CurrentTime'
T = '2020-01-01T00:00:00Z'
for op, pv, v, ok in [
    ('DateEquals', T, '2020-01-01T00:00:00Z', AL), ('DateEquals', T, '2020-01-01T00:00:01Z', ID),
    ('DateEquals', T, '2020-01-01T01:00:00+01:00', AL), ('DateEquals', T, '2019-12-31T19:00:00-05:00', AL),
    ('DateEquals', T, '1577836800', AL), ('DateEquals', '1577836800', '2020-01-01T00:00:00Z', AL),
    ('DateEquals', '2020-01-01', '2020-01-01T00:00:00Z', AL), ('DateEquals', T, '20200101T000000Z', AL),
    ('DateNotEquals', T, '2020-01-01T00:00:01Z', AL), ('DateNotEquals', T, '2020-01-01T00:00:00Z', ID),
    ('DateLessThan', T, '2019-12-31T23:59:59Z', AL), ('DateLessThan', T, '2020-01-01T00:00:00Z', ID), ('DateLessThan', T, '2020-01-01T00:00:00.001Z', ID),
    ('DateLessThan', T, '2019-12-31T23:59:59.999Z', AL), ('DateLessThan', '1577836800', '1577836799', AL),
    ('DateLessThanEquals', T, '2020-01-01T00:00:00Z', AL), ('DateLessThanEquals', T, '2020-01-01T00:00:01Z', ID),
    ('DateGreaterThan', T, '2020-01-01T00:00:01Z', AL), ('DateGreaterThan', T, '2020-01-01T00:00:00Z', ID),
    ('DateGreaterThanEquals', T, '2020-01-01T00:00:00Z', AL), ('DateGreaterThanEquals', T, '2019-06-01T00:00:00Z', ID),
    ('DateLessThan', '2021-03-08T12:34:56.789012', '2021-03-08T12:34:55Z', AL),
    ('DateLessThan', '2021-03-08T12:34:56.789012', '2021-03-08T12:34:57Z', ID),
    ('DateLessThan', '2020-01-01T00:00:00+02:00', '2019-12-31T21:59:59Z', AL),
    ('DateLessThan', '2020-01-01T00:00:00+02:00', '2019-12-31T22:00:00Z', ID),
    ('DateEquals', T, 'not a date', ID), ('DateNotEquals', T, 'not a date', ID),
]:
    cond_case(F, f'{op} {json.dumps(pv)} vs {json.dumps(v)}', CO, op, k, pv, {k: v}, ok)
for op, ok in [('DateLessThan', ID), ('DateNotEquals', AL), ('DateGreaterThan', ID), ('DateLessThanIfExists', AL)]:
    cond_case(F, f'{op} with the key missing', CO, op, k, T, None, ok)
add(F, 'an invalid date in a policy is rejected', CO, 'invalid', req(ctx={k: T}),
    identity_policies=[doc(allow(cond={'DateLessThan': {k: 'tomorrow'}}))])

# ---------------- Bool / Binary / IP ----------------
F = 'operators-bool-binary-ip.json'
for pv, v, ok in [('true', 'true', AL), ('true', 'false', ID), ('false', 'false', AL), ('true', 'TRUE', AL), (True, 'true', AL), (False, 'true', ID), ('true', 'yes', ID)]:
    cond_case(F, f'Bool {json.dumps(pv)} vs {json.dumps(v)}', CO, 'Bool', 'aws:SecureTransport', pv, {'aws:SecureTransport': v}, ok)
cond_case(F, 'Bool with the key missing', CO, 'Bool', 'aws:MultiFactorAuthPresent', 'true', None, ID)
cond_case(F, 'BoolIfExists false with the key missing', CO, 'BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', None, AL)
cond_case(F, 'BoolIfExists false with the key true', CO, 'BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', {'aws:MultiFactorAuthPresent': 'true'}, ID)
for pv, v, ok in [('QmluYXJ5VmFsdWVJbkJhc2U2NA==', 'QmluYXJ5VmFsdWVJbkJhc2U2NA==', AL), ('QmluYXJ5VmFsdWVJbkJhc2U2NA==', 'QmluYXJ5VmFsdWVJbkJhc2U2NQ==', ID),
                  ('Zm9v', 'Zm9v', AL), (['Zm9v', 'YmFy'], 'YmFy', AL), ('Zm9v', '!!!', ID)]:
    cond_case(F, f'BinaryEquals {json.dumps(pv)} vs {v}', CO, 'BinaryEquals', 'key', pv, {'key': v}, ok)
for op, pv, v, ok in [
    ('IpAddress', '203.0.113.0/24', '203.0.113.5', AL), ('IpAddress', '203.0.113.0/24', '203.0.114.5', ID),
    ('IpAddress', '203.0.113.5', '203.0.113.5', AL), ('IpAddress', '203.0.113.5/32', '203.0.113.6', ID),
    ('IpAddress', ['192.0.2.0/24', '203.0.113.0/24'], '203.0.113.200', AL), ('IpAddress', '0.0.0.0/0', '8.8.8.8', AL),
    ('IpAddress', '2001:DB8:1234:5678::/64', '2001:db8:1234:5678::abcd', AL), ('IpAddress', '2001:DB8:1234:5678::/64', '2001:db8:1234:9999::1', ID),
    ('IpAddress', '203.0.113.0/24', '2001:db8::1', ID), ('IpAddress', '203.0.113.0/24', 'ec2.amazonaws.com', ID),
    ('NotIpAddress', '203.0.113.0/24', '198.51.100.1', AL), ('NotIpAddress', '203.0.113.0/24', '203.0.113.1', ID),
    ('NotIpAddress', ['192.0.2.0/24', '203.0.113.0/24'], '192.0.2.9', ID), ('NotIpAddress', '203.0.113.0/24', 'ec2.amazonaws.com', ID),
]:
    cond_case(F, f'{op} {json.dumps(pv)} vs {v}', CO, op, 'aws:SourceIp', pv, {'aws:SourceIp': v}, ok)
cond_case(F, 'IpAddress with the key missing', CO, 'IpAddress', 'aws:SourceIp', '203.0.113.0/24', None, ID)
cond_case(F, 'NotIpAddress with the key missing', CO, 'NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', None, AL)
add(F, 'an invalid CIDR in a policy is rejected', CO, 'invalid', req(),
    identity_policies=[doc(allow(cond={'IpAddress': {'aws:SourceIp': '10.0.0.0/40'}}))])

# ---------------- ARN / Null / IfExists ----------------
F = 'operators-arn-null-ifexists.json'
k = 'aws:SourceArn'
for op, pv, v, ok in [
    ('ArnEquals', 'arn:aws:sns:us-east-1:111122223333:topic', 'arn:aws:sns:us-east-1:111122223333:topic', AL),
    ('ArnEquals', 'arn:aws:sns:us-east-1:111122223333:topic', 'arn:aws:sns:us-east-1:111122223333:Topic', ID),
    ('ArnLike', 'arn:aws:sns:*:111122223333:*', 'arn:aws:sns:eu-west-1:111122223333:t', AL),
    ('ArnLike', 'arn:aws:sns:*:111122223333:*', 'arn:aws:sns:eu-west-1:444455556666:t', ID),
    ('ArnEquals', 'arn:aws:sns:*:111122223333:*', 'arn:aws:sns:eu-west-1:111122223333:t', AL),
    ('ArnLike', 'arn:aws:sns:us-*:111122223333:t', 'arn:aws:sns:us-east-1:111122223333:t', AL),
    ('ArnLike', 'arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b', AL),
    ('ArnLike', 'arn:aws:iam::111122223333:role/?pp', 'arn:aws:iam::111122223333:role/app', AL),
    ('ArnLike', 'arn:aws:iam::111122223333:role/app', 'not-an-arn', ID),
    ('ArnNotEquals', 'arn:aws:sns:us-east-1:111122223333:topic', 'arn:aws:sns:us-east-1:111122223333:other', AL),
    ('ArnNotEquals', 'arn:aws:sns:us-east-1:111122223333:topic', 'arn:aws:sns:us-east-1:111122223333:topic', ID),
    ('ArnNotLike', 'arn:aws:sns:*:111122223333:*', 'arn:aws:sns:us-east-1:444455556666:t', AL),
    ('ArnNotLike', 'arn:aws:sns:*:111122223333:*', 'arn:aws:sns:us-east-1:111122223333:t', ID),
    ('ArnLike', 'arn:aws:ec2:*:111122223333:instance/*', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc', AL),
]:
    cond_case(F, f'{op} {pv} vs {v}', CO, op, k, pv, {k: v}, ok)
cond_case(F, 'ArnLike with the key missing', CO, 'ArnLike', k, 'arn:aws:sns:*:*:*', None, ID)
cond_case(F, 'ArnNotLike with the key missing', CO, 'ArnNotLike', k, 'arn:aws:sns:*:*:*', None, AL)
for pv, ctx, ok in [('true', None, AL), ('true', {'aws:TokenIssueTime': T}, ID), ('false', {'aws:TokenIssueTime': T}, AL), ('false', None, ID),
                    (True, None, AL), ('false', {'aws:TokenIssueTime': ''}, AL)]:
    cond_case(F, f'Null {json.dumps(pv)} with the key {json.dumps(ctx)}', CO, 'Null', 'aws:TokenIssueTime', pv, ctx, ok)
add(F, 'Null cannot take IfExists', CO, 'invalid', req(), identity_policies=[doc(allow(cond={'NullIfExists': {'aws:TokenIssueTime': 'true'}}))])
add(F, 'an unknown operator is rejected', CO, 'invalid', req(), identity_policies=[doc(allow(cond={'StringEqualsAny': {'k': 'v'}}))])
for op, v, ok in [('StringEqualsIfExists', None, AL), ('StringEqualsIfExists', 'blue', AL), ('StringEqualsIfExists', 'red', ID),
                  ('StringNotEqualsIfExists', None, AL), ('StringNotEqualsIfExists', 'blue', ID), ('StringLikeIfExists', 'bl-x', AL),
                  ('NumericLessThanIfExists', None, AL), ('IpAddressIfExists', None, AL), ('ArnLikeIfExists', None, AL)]:
    key = {'NumericLessThanIfExists': 's3:max-keys', 'IpAddressIfExists': 'aws:SourceIp', 'ArnLikeIfExists': 'aws:SourceArn'}.get(op, 'aws:PrincipalTag/team')
    pv = {'NumericLessThanIfExists': '5', 'IpAddressIfExists': '10.0.0.0/8', 'ArnLikeIfExists': 'arn:aws:sns:*:*:*', 'StringLikeIfExists': 'bl*'}.get(op, 'blue')
    cond_case(F, f'{op} with value {json.dumps(v)}', CO, op, key, pv, {key: v} if v is not None else None, ok)
add(F, 'StringNotEqualsIfExists in a Deny still denies when the key is missing', CO, 'ExplicitlyDenied', req(),
    identity_policies=[doc(allow(), deny(cond={'StringNotEqualsIfExists': {'aws:PrincipalTag/team': 'blue'}}))])

# ---------------- Set operators ----------------
F = 'set-operators.json'
k = 'aws:TagKeys'
for op, pv, v, ok in [
    ('ForAllValues:StringEquals', ['a', 'b'], ['a'], AL), ('ForAllValues:StringEquals', ['a', 'b'], ['a', 'b'], AL),
    ('ForAllValues:StringEquals', ['a', 'b'], ['a', 'c'], ID), ('ForAllValues:StringEquals', ['a', 'b'], [], AL),
    ('ForAllValues:StringEquals', ['a', 'b'], None, AL), ('ForAllValues:StringEquals', ['a'], '', AL),
    ('ForAnyValue:StringEquals', ['a', 'b'], ['c', 'b'], AL), ('ForAnyValue:StringEquals', ['a', 'b'], ['c', 'd'], ID),
    ('ForAnyValue:StringEquals', ['a', 'b'], [], ID), ('ForAnyValue:StringEquals', ['a', 'b'], None, ID),
    ('ForAllValues:StringLike', ['env-*'], ['env-a', 'env-b'], AL), ('ForAllValues:StringLike', ['env-*'], ['env-a', 'x'], ID),
    ('ForAnyValue:StringLike', ['env-*'], ['x', 'env-b'], AL),
    ('ForAllValues:StringNotEquals', ['a', 'b'], ['c', 'd'], AL), ('ForAllValues:StringNotEquals', ['a', 'b'], ['c', 'a'], ID),
    ('ForAnyValue:StringNotEquals', ['a', 'b'], ['a', 'c'], AL), ('ForAnyValue:StringNotEquals', ['a', 'b'], ['a', 'b'], ID),
    ('ForAllValues:StringNotEquals', ['a'], None, AL), ('ForAnyValue:StringNotEquals', ['a'], None, ID),
    ('ForAllValues:StringEqualsIgnoreCase', ['a', 'b'], ['A', 'B'], AL),
    ('ForAnyValue:StringEquals', ['a'], 'a', AL), ('ForAllValues:StringEquals', ['a'], 'b', ID),
    ('ForAnyValue:StringEqualsIfExists', ['a'], None, AL),
]:
    ctx = None if v is None else {k: v}
    cond_case(F, f'{op} {json.dumps(pv)} vs {json.dumps(v)}', MV, op, k, pv, ctx, ok)
for op, pv, v, ok in [('ForAnyValue:NumericGreaterThan', '5', ['1', '9'], AL), ('ForAllValues:NumericGreaterThan', '5', ['1', '9'], ID),
                      ('ForAnyValue:IpAddress', '10.0.0.0/8', ['192.0.2.1', '10.1.2.3'], AL), ('ForAllValues:IpAddress', '10.0.0.0/8', ['192.0.2.1', '10.1.2.3'], ID),
                      ('ForAnyValue:DateGreaterThan', T, ['2019-01-01T00:00:00Z', '2021-01-01T00:00:00Z'], AL),
                      ('ForAnyValue:ArnLike', 'arn:aws:iam::*:role/a*', ['arn:aws:iam::1:role/b', 'arn:aws:iam::1:role/ab'], AL)]:
    cond_case(F, f'{op} {json.dumps(pv)} vs {json.dumps(v)}', MV, op, 'multi:key', pv, {'multi:key': v}, ok)
add(F, 'ForAllValues with Allow and a missing key allows (why AWS warns against it)', MV, 'Allowed', req(),
    identity_policies=[doc(allow(cond={'ForAllValues:StringEquals': {k: ['a']}}))])
add(F, 'ForAllValues null-set guard: Null false plus ForAllValues', MV, 'ImplicitlyDenied', req(),
    identity_policies=[doc(allow(cond={'ForAllValues:StringEquals': {k: ['a']}, 'Null': {k: 'false'}}))])
add(F, 'ForAnyValue in a Deny with one forbidden tag key', MV, 'ExplicitlyDenied', req(ctx={k: ['ok', 'secret']}),
    identity_policies=[doc(allow(), deny(cond={'ForAnyValue:StringEquals': {k: ['secret']}}))])

# ---------------- Variables ----------------
F = 'variables.json'
home = 'arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*'
for ver, ctx, resource, exp in [
    ('2012-10-17', {'aws:username': 'alice'}, BUCKET + '/home/alice/a.txt', 'Allowed'),
    ('2012-10-17', {'aws:username': 'alice'}, BUCKET + '/home/bob/a.txt', 'ImplicitlyDenied'),
    ('2012-10-17', None, BUCKET + '/home/alice/a.txt', 'ImplicitlyDenied'),
    ('2008-10-17', {'aws:username': 'alice'}, BUCKET + '/home/alice/a.txt', 'ImplicitlyDenied'),
    ('2008-10-17', {'aws:username': 'alice'}, BUCKET + '/home/${aws:username}/a.txt', 'Allowed'),
    (None, {'aws:username': 'alice'}, BUCKET + '/home/alice/a.txt', 'ImplicitlyDenied'),
    (None, {'aws:username': 'alice'}, BUCKET + '/home/${aws:username}/a.txt', 'Allowed'),
]:
    add(F, f'Resource variable, Version {ver}, context {json.dumps(ctx)}, resource {resource.split(":::")[1]}', VAR if ver else VER, exp, req(resource=resource, ctx=ctx),
        identity_policies=[doc(allow(resource=home), version=ver)])
add(F, 'variable names are case-insensitive', VAR, 'Allowed', req(resource=BUCKET + '/home/alice/x', ctx={'aws:username': 'alice'}),
    identity_policies=[doc(allow(resource=BUCKET + '/home/${AWS:UserName}/*'))])
add(F, 'values are case-sensitive in Resource', VAR, 'ImplicitlyDenied', req(resource=BUCKET + '/home/alice/x', ctx={'aws:username': 'Alice'}),
    identity_policies=[doc(allow(resource=home))])
add(F, 'a substituted value is literal, not a wildcard', VAR, 'ImplicitlyDenied', req(resource=BUCKET + '/home/alice/x', ctx={'aws:username': '*'}),
    identity_policies=[doc(allow(resource=home))])
add(F, 'a substituted value containing * matches itself', VAR, 'Allowed', req(resource=BUCKET + '/home/*/x', ctx={'aws:username': '*'}),
    identity_policies=[doc(allow(resource=home))])
for v, exp in [('a*b', 'Allowed'), ('axb', 'ImplicitlyDenied')]:
    add(F, f'${{*}} is a literal star (value {v})', VAR, exp, req(resource=f'{BUCKET}/{v}'),
        identity_policies=[doc(allow(resource=BUCKET + '/a${*}b'))])
for v, exp in [('a?b', 'Allowed'), ('axb', 'ImplicitlyDenied')]:
    add(F, f'${{?}} is a literal question mark (value {v})', VAR, exp, req(resource=f'{BUCKET}/{v}'),
        identity_policies=[doc(allow(resource=BUCKET + '/a${?}b'))])
add(F, '${$} is a literal dollar', VAR, 'Allowed', req(resource=f'{BUCKET}/a$b'), identity_policies=[doc(allow(resource=BUCKET + '/a${$}b'))])
add(F, 'special characters are literal text under 2008-10-17', VER, 'Allowed', req(resource=BUCKET + '/a${*}b'),
    identity_policies=[doc(allow(resource=BUCKET + '/a${*}b'), version='2008-10-17')])
tagk = 'aws:PrincipalTag/team'
for ctx, v, exp in [({tagk: 'blue'}, 'blue', 'Allowed'), ({tagk: 'blue'}, 'red', 'ImplicitlyDenied'), (None, 'blue', 'ImplicitlyDenied'),
                    (None, 'company-wide', 'Allowed')]:
    add(F, f'default value: tag {json.dumps(ctx)} vs resource tag {v}', VAR, exp, req(ctx=dict(ctx or {}, **{'aws:ResourceTag/team': v})),
        identity_policies=[doc(allow(cond={'StringEquals': {'aws:ResourceTag/team': "${aws:PrincipalTag/team, 'company-wide'}"}}))])
for ctx, exp in [({'s3:ExistingObjectTag/Team': 'blue', 'aws:PrincipalTag/Team': 'blue'}, 'Allowed'),
                 ({'s3:ExistingObjectTag/Team': 'blue', 'aws:PrincipalTag/Team': 'red'}, 'ExplicitlyDenied'),
                 ({'s3:ExistingObjectTag/Team': 'blue'}, 'ExplicitlyDenied')]:
    add(F, f'negated operator with variable: {json.dumps(ctx, sort_keys=True)}', VAR, exp, req(ctx=ctx),
        identity_policies=[doc(allow(), deny(cond={'StringNotEquals': {'s3:ExistingObjectTag/Team': '${aws:PrincipalTag/Team}'}}))])
for ctx, exp in [({'aws:PrincipalTag/team': 'blue', 'aws:ResourceTag/team': 'blue'}, 'Allowed'), ({'aws:ResourceTag/team': 'blue'}, 'ImplicitlyDenied')]:
    add(F, f'positive operator with variable: {sorted(ctx)}', VAR, exp, req(ctx=ctx),
        identity_policies=[doc(allow(cond={'StringEquals': {'aws:ResourceTag/team': '${aws:PrincipalTag/team}'}}))])
add(F, 'variables in conditions are literal under 2008-10-17', VER, 'Allowed', req(ctx={'aws:ResourceTag/team': '${aws:PrincipalTag/team}', 'aws:PrincipalTag/team': 'blue'}),
    identity_policies=[doc(allow(cond={'StringEquals': {'aws:ResourceTag/team': '${aws:PrincipalTag/team}'}}), version='2008-10-17')])
add(F, 'StringLike with a variable prefix', VAR, 'Allowed', req(ctx={'s3:prefix': 'home/alice/docs', 'aws:username': 'alice'}),
    identity_policies=[doc(allow(cond={'StringLike': {'s3:prefix': ['home/${aws:username}/*']}}))])
add(F, 'ArnLike with a variable', VAR, 'Allowed', req(ctx={'aws:SourceArn': f'arn:aws:iam::{A}:user/alice', 'aws:username': 'alice'}),
    identity_policies=[doc(allow(cond={'ArnLike': {'aws:SourceArn': f'arn:aws:iam::{A}:user/${{aws:username}}'}}))])
add(F, 'a multivalued key cannot be used as a variable', VAR, 'ImplicitlyDenied', req(resource=BUCKET + '/a', ctx={'aws:TagKeys': ['a']*1 + ['b']}),
    identity_policies=[doc(allow(resource=BUCKET + '/${aws:TagKeys}'))])
add(F, 'NotResource with an unresolved variable excludes nothing', VAR, 'Allowed', req(resource=BUCKET + '/home/x'),
    identity_policies=[doc(allow(resource=None, NotResource=home))])
add(F, 'userid variable for a role session', VAR, 'Allowed', req(principal=SESSION, resource=BUCKET + '/AROAEXAMPLE:s1/f', ctx={'aws:userid': 'AROAEXAMPLE:s1'}),
    identity_policies=[doc(allow(resource=BUCKET + '/${aws:userid}/*'))])

# ---------------- Action & Resource matching ----------------
F = 'actions-resources.json'
for pat, act, exp in [('s3:GetObject', 's3:GetObject', 'Allowed'), ('S3:getobject', 's3:GetObject', 'Allowed'), ('s3:GetObject', 'S3:GETOBJECT', 'Allowed'),
                      ('s3:Get*', 's3:GetObjectAcl', 'Allowed'), ('s3:Get*', 's3:PutObject', 'ImplicitlyDenied'), ('s3:*', 's3:PutObject', 'Allowed'),
                      ('*', 'ec2:RunInstances', 'Allowed'), ('iam:*AccessKey*', 'iam:ListAccessKeys', 'Allowed'), ('iam:*AccessKey*', 'iam:ListUsers', 'ImplicitlyDenied'),
                      ('s3:Get?bject', 's3:GetObject', 'Allowed'), ('s3:Get?bject', 's3:GetObbject', 'ImplicitlyDenied'),
                      ('s3:GetObject,PutObject', 's3:PutObject', 'ImplicitlyDenied'), ('s3:GetObject', 's3:GetObjectAcl', 'ImplicitlyDenied'),
                      (['ec2:*', 's3:List*'], 's3:ListBucket', 'Allowed'), ('*:GetObject', 's3:GetObject', 'ImplicitlyDenied'),
                      ('s3:GetObject', 's3-object-lambda:GetObject', 'ImplicitlyDenied')]:
    add(F, f'Action {json.dumps(pat)} vs {act}', ACT, exp, req(action=act), identity_policies=[doc(allow(action=pat))])
for pat, act, exp in [('iam:*', 's3:GetObject', 'Allowed'), ('iam:*', 'iam:ListUsers', 'ImplicitlyDenied'), (['iam:*', 's3:Get*'], 's3:GetObject', 'ImplicitlyDenied')]:
    add(F, f'NotAction {json.dumps(pat)} Allow vs {act}', NACT, exp, req(action=act), identity_policies=[doc({'Effect': 'Allow', 'NotAction': pat, 'Resource': '*'})])
add(F, 'NotAction in a Deny denies everything else', NACT, 'ExplicitlyDenied', req(action='s3:GetObject'),
    identity_policies=[doc(allow(action='*'), {'Effect': 'Deny', 'NotAction': 'iam:*', 'Resource': '*'})])
add(F, 'NotAction in a Deny leaves the listed actions to the Allow', NACT, 'Allowed', req(action='iam:ListUsers'),
    identity_policies=[doc(allow(action='*'), {'Effect': 'Deny', 'NotAction': 'iam:*', 'Resource': '*'})])
add(F, 'NotAction still checks Resource', NACT, 'ImplicitlyDenied', req(action='s3:GetObject', resource='arn:aws:s3:::other/x'),
    identity_policies=[doc({'Effect': 'Allow', 'NotAction': 'iam:*', 'Resource': BUCKET + '/*'})])
for pat, res, exp in [(BUCKET + '/*', OBJ, 'Allowed'), (BUCKET + '/*', BUCKET, 'ImplicitlyDenied'), (BUCKET, BUCKET, 'Allowed'),
                      ('arn:aws:s3:::amzn-s3-demo-bucket/*/test/*', BUCKET + '/1/2/test/3/o.jpg', 'Allowed'),
                      ('arn:aws:s3:::amzn-s3-demo-bucket/*/test/*', BUCKET + '/1/2/tes/3', 'ImplicitlyDenied'),
                      (f'arn:aws:iam::{A}:user/accounting/*', f'arn:aws:iam::{A}:user/accounting/bob', 'Allowed'),
                      (f'arn:aws:iam::{A}:user/Bob', f'arn:aws:iam::{A}:user/bob', 'ImplicitlyDenied'),
                      ('arn:aws:ec2:*:*:instance/*', f'arn:aws:ec2:us-east-1:{A}:instance/i-1', 'Allowed'),
                      (f'arn:aws:ec2:us-east-1:{A}:instance/i-?', f'arn:aws:ec2:us-east-1:{A}:instance/i-1', 'Allowed'),
                      (f'arn:aws:ec2:us-east-1:{A}:instance/i-?', f'arn:aws:ec2:us-east-1:{A}:instance/i-12', 'ImplicitlyDenied'),
                      (f'arn:aws:ec2:us-*:{A}:instance/*', f'arn:aws:ec2:eu-west-1:{A}:instance/i-1', 'ImplicitlyDenied'),
                      ('arn:aws:*:us-east-1:*:*', f'arn:aws:sqs:us-east-1:{A}:q', 'ImplicitlyDenied'),
                      (f'arn:aws:logs:us-east-1:{A}:log-group:g:*', f'arn:aws:logs:us-east-1:{A}:log-group:g:log-stream:s', 'Allowed'),
                      (f'arn:aws:iam::{A}:*', f'arn:aws:iam::{A}:role/x', 'Allowed'),
                      ('arn:aws:s3:::*', '*', 'ImplicitlyDenied'), ('*', '*', 'Allowed'),
                      ([f'arn:aws:sqs:us-east-1:{A}:a', f'arn:aws:sqs:us-east-1:{A}:b'], f'arn:aws:sqs:us-east-1:{A}:b', 'Allowed')]:
    add(F, f'Resource {json.dumps(pat)} vs {res}', RES, exp, req(resource=res), identity_policies=[doc(allow(resource=pat))])
for pat, res, exp in [(BUCKET + '/*', 'arn:aws:s3:::other/x', 'Allowed'), (BUCKET + '/*', OBJ, 'ImplicitlyDenied')]:
    add(F, f'NotResource {pat} vs {res}', NRES, exp, req(resource=res), identity_policies=[doc(allow(resource=None, NotResource=pat))])
add(F, 'Deny with NotResource protects everything but the listed resource', NRES, 'ExplicitlyDenied', req(resource='arn:aws:s3:::other/x'),
    identity_policies=[doc(allow(), deny(action='s3:*', resource=None, NotResource=[BUCKET, BUCKET + '/*']))])
add(F, 'Statement as a single object', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html', 'Allowed', req(),
    identity_policies=[{'Version': '2012-10-17', 'Statement': allow()}])
add(F, 'Action and Resource as one-element lists', ACT, 'Allowed', req(), identity_policies=[doc(allow(action=['s3:GetObject'], resource=['*']))])
add(F, 'an action without a service prefix is rejected', ACT, 'invalid', req(), identity_policies=[doc(allow(action='GetObject'))])
add(F, 'Effect is case-sensitive', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html', 'invalid', req(),
    identity_policies=[doc({'Effect': 'allow', 'Action': '*', 'Resource': '*'})])
add(F, 'an unknown Version is rejected', VER, 'invalid', req(), identity_policies=[doc(allow(), version='2020-01-01')])
add(F, 'URL-encoded document as IAM returns it', 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html', 'Allowed', req(),
    identity_policies=['%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%7D'])
add(F, 'an identity policy may not have Principal', PRIN, 'invalid', req(), identity_policies=[doc(allow(Principal='*'))])

# ---------------- Evaluation order ----------------
F = 'evaluation-order.json'
add(F, 'no policy at all: implicit deny', EVAL, 'ImplicitlyDenied', req())
add(F, 'an identity Allow allows', EVAL, 'Allowed', req(), matched=[{'policy': 'identity_policies[0]', 'statement': 0}], identity_policies=[doc(allow())])
add(F, 'Deny overrides Allow in the same policy', EVAL, 'ExplicitlyDenied', req(), matched=[{'policy': 'identity_policies[0]', 'statement': 1, 'sid': 'NoGet'}],
    identity_policies=[doc(allow(), deny(action='s3:GetObject', Sid='NoGet'))])
add(F, 'Deny in another identity policy overrides Allow', EVAL, 'ExplicitlyDenied', req(),
    matched=[{'policy': 'Blocker', 'statement': 0}], identity_policies=[doc(allow()), {'name': 'Blocker', 'document': doc(deny())}])
add(F, 'identity policies combine as a union', EVAL, 'Allowed', req(action='s3:PutObject'),
    identity_policies=[doc(allow()), doc(allow(action='s3:PutObject'))])
add(F, 'a Deny that does not match leaves the Allow', EVAL, 'Allowed', req(), identity_policies=[doc(allow(), deny(action='s3:PutObject'))])
add(F, 'a conditional Deny whose condition fails leaves the Allow', EVAL, 'Allowed', req(ctx={'aws:SourceIp': '203.0.113.1'}),
    identity_policies=[doc(allow(), deny(cond={'NotIpAddress': {'aws:SourceIp': '203.0.113.0/24'}}))])
add(F, 'a conditional Deny whose condition holds denies', EVAL, 'ExplicitlyDenied', req(ctx={'aws:SourceIp': '198.51.100.1'}),
    identity_policies=[doc(allow(), deny(cond={'NotIpAddress': {'aws:SourceIp': '203.0.113.0/24'}}))])
add(F, 'explicit deny wins over a resource-based allow', EVAL, 'ExplicitlyDenied', req(),
    identity_policies=[doc(deny())], resource_policy=doc(allow(Principal={'AWS': USER})))
add(F, 'a resource-based Deny wins over an identity allow', EVAL, 'ExplicitlyDenied', req(),
    identity_policies=[doc(allow())], resource_policy=doc(deny(Principal='*')))
add(F, 'a resource-based Deny for another principal does not apply', EVAL, 'Allowed', req(),
    identity_policies=[doc(allow())], resource_policy=doc(deny(Principal={'AWS': f'arn:aws:iam::{A}:user/mallory'})))
add(F, 'a boundary Deny denies', PB, 'ExplicitlyDenied', req(), identity_policies=[doc(allow())], permission_boundary=doc(allow(action='*'), deny()))
add(F, 'a session policy Deny denies', SESS, 'ExplicitlyDenied', req(principal=SESSION), identity_policies=[doc(allow())], session_policy=doc(allow(action='*'), deny()))
add(F, 'sts:GetCallerIdentity works under Deny *', GCI, 'Allowed', req(action='sts:GetCallerIdentity', principal=SESSION), identity_policies=[doc(deny())])
add(F, 'sts:GetCallerIdentity needs no policy', GCI, 'Allowed', req(action='sts:GetCallerIdentity', principal=USER))
add(F, 'the root user is allowed without policies', EVAL, 'Allowed', req(principal=f'arn:aws:iam::{A}:root'))
add(F, 'the root user is still limited by SCPs', SCP, 'ExplicitlyDenied', req(principal=f'arn:aws:iam::{A}:root'), scps=[[doc(allow(action='*')), doc(deny(action='s3:*'))]])
add(F, 'a VPC endpoint policy must allow', 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html', 'ImplicitlyDenied', req(),
    identity_policies=[doc(allow())], vpc_endpoint_policy=doc(allow(action='s3:PutObject', Principal='*')))
add(F, 'a VPC endpoint policy that allows', 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html', 'Allowed', req(),
    identity_policies=[doc(allow())], vpc_endpoint_policy=doc(allow(action='*', Principal='*')))
add(F, 'a VPC endpoint policy Deny denies', 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html', 'ExplicitlyDenied', req(),
    identity_policies=[doc(allow())], vpc_endpoint_policy=doc(allow(action='*', Principal='*'), deny(Principal='*')))
add(F, 'a VPC endpoint policy alone does not grant', 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html', 'ImplicitlyDenied', req(),
    vpc_endpoint_policy=doc(allow(action='*', Principal='*')))
add(F, 'matched statements of an Allowed decision list every applying Allow', EVAL, 'Allowed', req(),
    matched=[{'policy': 'A', 'statement': 0}, {'policy': 'B', 'statement': 1, 'sid': 'Two'}],
    identity_policies=[{'name': 'A', 'document': doc(allow())}, {'name': 'B', 'document': doc(allow(action='s3:PutObject'), allow(action='s3:Get*', Sid='Two'))}])

# ---------------- Boundaries & sessions ----------------
F = 'boundaries-sessions.json'
for ident, pb, exp in [(['s3:GetObject'], ['s3:GetObject'], 'Allowed'), (['s3:GetObject'], ['s3:PutObject'], 'ImplicitlyDenied'),
                       ([], ['s3:GetObject'], 'ImplicitlyDenied'), (['s3:*'], ['s3:Get*'], 'Allowed'), (['*'], ['ec2:*'], 'ImplicitlyDenied')]:
    pols = [doc(allow(action=ident))] if ident else []
    add(F, f'boundary: identity {ident} boundary {pb}', PB, exp, req(), identity_policies=pols, permission_boundary=doc(allow(action=pb)))
add(F, 'boundary applies to role sessions', PB, 'ImplicitlyDenied', req(principal=SESSION), identity_policies=[doc(allow())], permission_boundary=doc(allow(action='ec2:*')))
add(F, 'boundary with a condition', PB, 'Allowed', req(ctx={'aws:RequestedRegion': 'us-east-1'}), identity_policies=[doc(allow())],
    permission_boundary=doc(allow(action='*', cond={'StringEquals': {'aws:RequestedRegion': 'us-east-1'}})))
add(F, 'boundary with a condition that fails', PB, 'ImplicitlyDenied', req(ctx={'aws:RequestedRegion': 'eu-west-1'}), identity_policies=[doc(allow())],
    permission_boundary=doc(allow(action='*', cond={'StringEquals': {'aws:RequestedRegion': 'us-east-1'}})))
add(F, 'boundary does not limit a same-account resource policy naming the user', PB, 'Allowed', req(),
    permission_boundary=doc(allow(action='ec2:*')), resource_policy=doc(allow(Principal={'AWS': USER})))
add(F, 'boundary does not limit a resource policy naming the role session', PB, 'Allowed', req(principal=SESSION),
    permission_boundary=doc(allow(action='ec2:*')), resource_policy=doc(allow(Principal={'AWS': SESSION})))
add(F, 'boundary limits a resource policy naming the role', PB, 'ImplicitlyDenied', req(principal=SESSION),
    permission_boundary=doc(allow(action='ec2:*')), resource_policy=doc(allow(Principal={'AWS': ROLE})))
add(F, 'a resource policy naming the role is enough when the boundary allows', PB, 'Allowed', req(principal=SESSION),
    permission_boundary=doc(allow(action='s3:*')), resource_policy=doc(allow(Principal={'AWS': ROLE})))
add(F, 'a role session without a session policy keeps the role permissions', SESS, 'Allowed', req(principal=SESSION), identity_policies=[doc(allow())])
add(F, 'session policy intersects with identity', SESS, 'Allowed', req(principal=SESSION), identity_policies=[doc(allow(action='s3:*'))], session_policy=doc(allow()))
add(F, 'session policy that does not allow', SESS, 'ImplicitlyDenied', req(principal=SESSION), identity_policies=[doc(allow())], session_policy=doc(allow(action='ec2:*')))
add(F, 'session policy cannot grant more than identity', SESS, 'ImplicitlyDenied', req(principal=SESSION), identity_policies=[doc(allow(action='ec2:*'))], session_policy=doc(allow(action='*')))
add(F, 'session policy limits a resource policy naming the role', SESS, 'ImplicitlyDenied', req(principal=SESSION),
    session_policy=doc(allow(action='ec2:*')), resource_policy=doc(allow(Principal={'AWS': ROLE})))
add(F, 'session policy does not limit a resource policy naming the session', SESS, 'Allowed', req(principal=SESSION),
    session_policy=doc(allow(action='ec2:*')), resource_policy=doc(allow(Principal={'AWS': SESSION})))
add(F, 'session policy does not apply to an IAM user', SESS, 'Allowed', req(principal=USER), identity_policies=[doc(allow())], session_policy=doc(allow(action='ec2:*')))
FED = f'arn:aws:sts::{A}:federated-user/carol'
add(F, 'a federated user without a session policy has no permissions', SESS, 'ImplicitlyDenied', req(principal=FED), identity_policies=[doc(allow())])
add(F, 'a federated user with a session policy', SESS, 'Allowed', req(principal=FED), identity_policies=[doc(allow())], session_policy=doc(allow()))
add(F, 'a resource policy naming the federated user allows', SESS, 'Allowed', req(principal=FED), resource_policy=doc(allow(Principal={'AWS': FED})))
add(F, 'boundary, identity and session must all allow', EVAL, 'Allowed', req(principal=SESSION), identity_policies=[doc(allow())],
    permission_boundary=doc(allow(action='s3:*')), session_policy=doc(allow(action='s3:Get*')))

# ---------------- SCPs & RCPs ----------------
F = 'scp-rcp.json'
full = doc(allow(action='*'))
add(F, 'SCP FullAWSAccess at every level leaves identity in charge', SCP, 'Allowed', req(), identity_policies=[doc(allow())], scps=[[full], [full], [full]])
add(F, 'SCPs do not grant', SCP, 'ImplicitlyDenied', req(), scps=[[full]])
add(F, 'a level without an Allow blocks', SCP, 'ImplicitlyDenied', req(), identity_policies=[doc(allow())], scps=[[full], [doc(allow(action='ec2:*'))], [full]])
add(F, 'a level with one allowing SCP among several passes (OR within a level)', SCP, 'Allowed', req(), identity_policies=[doc(allow())],
    scps=[[full], [doc(allow(action='ec2:*')), doc(allow(action='s3:Get*'))]])
add(F, 'every level must allow (AND across levels)', SCP, 'ImplicitlyDenied', req(), identity_policies=[doc(allow())],
    scps=[[doc(allow(action='s3:*'))], [doc(allow(action='ec2:*'))]])
add(F, 'an SCP Deny at any level denies', SCP, 'ExplicitlyDenied', req(), identity_policies=[doc(allow())], scps=[[full], [full, doc(deny(action='s3:*'))]])
add(F, 'an SCP level may be a single policy', SCP, 'Allowed', req(), identity_policies=[doc(allow())], scps=[full, full])
add(F, 'SCP with a condition', SCP, 'ImplicitlyDenied', req(ctx={'aws:RequestedRegion': 'eu-west-1'}), identity_policies=[doc(allow())],
    scps=[[doc(allow(action='*', cond={'StringEquals': {'aws:RequestedRegion': 'us-east-1'}}))]])
add(F, 'SCPs limit a same-account resource policy grant', SCP, 'ImplicitlyDenied', req(), resource_policy=doc(allow(Principal={'AWS': USER})), scps=[[doc(allow(action='ec2:*'))]])
add(F, 'SCPs do not apply to service principals', SCP, 'Allowed', req(principal='sns.amazonaws.com'), resource_policy=doc(allow(Principal={'Service': 'sns.amazonaws.com'})),
    scps=[[doc(allow(action='ec2:*'))]])
add(F, 'SCPs apply to role sessions', SCP, 'ExplicitlyDenied', req(principal=SESSION), identity_policies=[doc(allow())], scps=[[full, doc(deny())]])
add(F, 'the level that lacks an Allow is reported', SCP, 'ImplicitlyDenied', req(), identity_policies=[doc(allow())], scps=[[full], [full], []])
add(F, 'RCPFullAWSAccess leaves the decision to other policies', RCP, 'Allowed', req(), identity_policies=[doc(allow())], rcps=[[doc(allow(action='*', Principal='*'))]])
add(F, 'an RCP Deny denies', RCP, 'ExplicitlyDenied', req(), identity_policies=[doc(allow())],
    rcps=[[doc(allow(action='*', Principal='*'), deny(action='s3:*', Principal='*'))]])
add(F, 'an RCP Deny with a condition on the principal org', RCP, 'ExplicitlyDenied', req(principal=XUSER, account=A, ctx={'aws:PrincipalOrgID': 'o-other'}),
    identity_policies=[doc(allow())], resource_policy=doc(allow(Principal={'AWS': XUSER})),
    rcps=[[doc(allow(action='*', Principal='*'), deny(action='s3:*', Principal='*', cond={'StringNotEqualsIfExists': {'aws:PrincipalOrgID': 'o-mine'}}))]])
add(F, 'an RCP level without an Allow blocks', RCP, 'ImplicitlyDenied', req(), identity_policies=[doc(allow())], rcps=[[doc(allow(action='*', Principal='*'))], []])
add(F, 'RCPs apply to anonymous requests', RCP, 'ExplicitlyDenied', req(principal=None, ctx={'aws:SecureTransport': 'false'}), resource_policy=doc(allow(Principal='*')),
    rcps=[[doc(allow(action='*', Principal='*'), deny(action='s3:*', Principal='*', cond={'Bool': {'aws:SecureTransport': 'false'}}))]])
add(F, 'SCP and RCP both full access, identity allows', SCP, 'Allowed', req(), identity_policies=[doc(allow())], scps=[[full]], rcps=[[doc(allow(action='*', Principal='*'))]])

# ---------------- Resource policies ----------------
F = 'resource-policies.json'
for principal, rbp_principal, exp, why in [
    (USER, {'AWS': USER}, 'Allowed', 'user ARN'),
    (USER, {'AWS': A}, 'ImplicitlyDenied', 'account id (identity must also allow)'),
    (USER, {'AWS': f'arn:aws:iam::{A}:root'}, 'ImplicitlyDenied', 'account root ARN (identity must also allow)'),
    (USER, '*', 'Allowed', 'everyone'),
    (USER, {'AWS': '*'}, 'Allowed', 'AWS everyone'),
    (SESSION, {'AWS': SESSION}, 'Allowed', 'session ARN'),
    (SESSION, {'AWS': ROLE}, 'Allowed', 'role ARN'),
    (SESSION, {'AWS': f'arn:aws:sts::{A}:assumed-role/app/other'}, 'ImplicitlyDenied', 'another session of the role'),
    (USER, {'AWS': f'arn:aws:iam::{A}:user/bob'}, 'ImplicitlyDenied', 'another user'),
    (USER, {'AWS': [f'arn:aws:iam::{A}:user/bob', USER]}, 'Allowed', 'a list including the user'),
    (None, '*', 'Allowed', 'everyone, anonymous caller'),
    (None, {'AWS': A}, 'ImplicitlyDenied', 'account, anonymous caller'),
    ('cloudtrail.amazonaws.com', {'Service': 'cloudtrail.amazonaws.com'}, 'Allowed', 'service principal'),
    ('cloudtrail.amazonaws.com', {'Service': 'config.amazonaws.com'}, 'ImplicitlyDenied', 'another service principal'),
]:
    add(F, f'same account, no identity policy, RBP names the {why}', PRIN, exp, req(principal=principal, account=A), resource_policy=doc(allow(Principal=rbp_principal)))
add(F, 'same account, RBP names the account and identity allows', EVAL, 'Allowed', req(account=A), identity_policies=[doc(allow())], resource_policy=doc(allow(Principal={'AWS': A})))
add(F, 'same account, identity allows and the RBP names someone else', EVAL, 'Allowed', req(), identity_policies=[doc(allow())],
    resource_policy=doc(allow(Principal={'AWS': f'arn:aws:iam::{A}:user/bob'})))
add(F, 'role path: RBP names the role ARN with its path (aws:PrincipalArn)', PRIN, 'Allowed',
    req(principal=SESSION, ctx={'aws:PrincipalArn': f'arn:aws:iam::{A}:role/team/app'}), resource_policy=doc(allow(Principal={'AWS': f'arn:aws:iam::{A}:role/team/app'})))
add(F, 'trust policy must allow sts:AssumeRole even in the same account', EVAL, 'ImplicitlyDenied',
    req(action='sts:AssumeRole', resource=f'arn:aws:iam::{A}:role/target'), identity_policies=[doc(allow(action='sts:AssumeRole'))])
add(F, 'trust policy naming the account plus an identity allow', EVAL, 'Allowed',
    req(action='sts:AssumeRole', resource=f'arn:aws:iam::{A}:role/target'), identity_policies=[doc(allow(action='sts:AssumeRole'))],
    resource_policy=doc(allow(action='sts:AssumeRole', resource=None, Principal={'AWS': f'arn:aws:iam::{A}:root'})))
add(F, 'trust policy naming the account without an identity allow', EVAL, 'ImplicitlyDenied',
    req(action='sts:AssumeRole', resource=f'arn:aws:iam::{A}:role/target'),
    resource_policy=doc(allow(action='sts:AssumeRole', resource=None, Principal={'AWS': f'arn:aws:iam::{A}:root'})))
add(F, 'trust policy naming the service', PRIN, 'Allowed', req(action='sts:AssumeRole', resource=f'arn:aws:iam::{A}:role/target', principal='ec2.amazonaws.com'),
    resource_policy=doc(allow(action='sts:AssumeRole', resource=None, Principal={'Service': 'ec2.amazonaws.com'})))
add(F, 'NotPrincipal Allow grants to everyone else', NPRIN, 'Allowed', req(), resource_policy=doc(allow(resource=None, NotPrincipal={'AWS': f'arn:aws:iam::{A}:user/bob'}, Resource='*')))
add(F, 'NotPrincipal Allow excludes the listed user and account', NPRIN, 'ImplicitlyDenied', req(),
    resource_policy=doc(allow(resource='*', NotPrincipal={'AWS': [USER, f'arn:aws:iam::{A}:root']})))
add(F, 'NotPrincipal Deny exempts a user listed with its account', NPRIN, 'Allowed', req(), identity_policies=[doc(allow())],
    resource_policy=doc(deny(NotPrincipal={'AWS': [USER, f'arn:aws:iam::{A}:root']})))
add(F, 'NotPrincipal Deny without the account ARN denies the user too', NPRIN, 'ExplicitlyDenied', req(), identity_policies=[doc(allow())],
    resource_policy=doc(deny(NotPrincipal={'AWS': [USER]})))
add(F, 'NotPrincipal Deny exempts a session listed with role and account', NPRIN, 'Allowed', req(principal=SESSION), identity_policies=[doc(allow())],
    resource_policy=doc(deny(NotPrincipal={'AWS': [SESSION, ROLE, f'arn:aws:iam::{A}:root']})))
add(F, 'NotPrincipal Deny listing only the session denies it', NPRIN, 'ExplicitlyDenied', req(principal=SESSION), identity_policies=[doc(allow())],
    resource_policy=doc(deny(NotPrincipal={'AWS': [SESSION]})))
add(F, 'NotPrincipal Deny denies other principals', NPRIN, 'ExplicitlyDenied', req(principal=f'arn:aws:iam::{A}:user/mallory'), identity_policies=[doc(allow())],
    resource_policy=doc(deny(NotPrincipal={'AWS': [USER, f'arn:aws:iam::{A}:root']})))
add(F, 'recommended NotPrincipal replacement: ArnNotEquals aws:PrincipalArn', NPRIN, 'Allowed', req(ctx={'aws:PrincipalArn': USER}), identity_policies=[doc(allow())],
    resource_policy=doc(deny(Principal='*', cond={'ArnNotEquals': {'aws:PrincipalArn': USER}})))
add(F, 'recommended NotPrincipal replacement denies others', NPRIN, 'ExplicitlyDenied', req(principal=f'arn:aws:iam::{A}:user/mallory', ctx={'aws:PrincipalArn': f'arn:aws:iam::{A}:user/mallory'}),
    identity_policies=[doc(allow())], resource_policy=doc(deny(Principal='*', cond={'ArnNotEquals': {'aws:PrincipalArn': USER}})))
add(F, 'resource policy statements need a Principal', PRIN, 'invalid', req(), resource_policy=doc(allow()))
add(F, 'an unknown principal type is rejected', PRIN, 'invalid', req(), resource_policy=doc(allow(Principal={'Robot': 'x'})))
add(F, 'Principal with a CanonicalUser', PRIN, 'Allowed', req(principal='79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'),
    resource_policy=doc(allow(Principal={'CanonicalUser': '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'})))
add(F, 'anonymous request without a public grant', PRIN, 'ImplicitlyDenied', req(principal=None), identity_policies=[doc(allow())])

# ---------------- Cross-account ----------------
F = 'cross-account.json'
xb = f'arn:aws:s3:::b-bucket/x'
add(F, 'cross-account: identity and RBP naming the user', XACC, 'Allowed', req(principal=XUSER, resource=xb, account=A), identity_policies=[doc(allow())],
    resource_policy=doc(allow(Principal={'AWS': XUSER})))
add(F, 'cross-account: RBP alone is not enough', XACC, 'ImplicitlyDenied', req(principal=XUSER, resource=xb, account=A), resource_policy=doc(allow(Principal={'AWS': XUSER})))
add(F, 'cross-account: identity alone is not enough', XACC, 'ImplicitlyDenied', req(principal=XUSER, resource=xb, account=A), identity_policies=[doc(allow())])
add(F, 'cross-account: RBP naming the caller account plus identity', XACC, 'Allowed', req(principal=XUSER, resource=xb, account=A), identity_policies=[doc(allow())],
    resource_policy=doc(allow(Principal={'AWS': B})))
add(F, 'cross-account: RBP naming another account', XACC, 'ImplicitlyDenied', req(principal=XUSER, resource=xb, account=A), identity_policies=[doc(allow())],
    resource_policy=doc(allow(Principal={'AWS': '999988887777'})))
add(F, 'cross-account: RBP naming everyone plus identity', XACC, 'Allowed', req(principal=XSESSION, resource=xb, account=A), identity_policies=[doc(allow())],
    resource_policy=doc(allow(Principal='*')))
add(F, 'cross-account: session of a role named by its role ARN', XACC, 'Allowed', req(principal=XSESSION, resource=xb, account=A), identity_policies=[doc(allow())],
    resource_policy=doc(allow(Principal={'AWS': f'arn:aws:iam::{B}:role/other'})))
add(F, 'cross-account: boundary of the caller still limits', XACC, 'ImplicitlyDenied', req(principal=XUSER, resource=xb, account=A), identity_policies=[doc(allow())],
    permission_boundary=doc(allow(action='ec2:*')), resource_policy=doc(allow(Principal={'AWS': XUSER})))
add(F, 'cross-account: session policy still limits', XACC, 'ImplicitlyDenied', req(principal=XSESSION, resource=xb, account=A), identity_policies=[doc(allow())],
    session_policy=doc(allow(action='ec2:*')), resource_policy=doc(allow(Principal={'AWS': XSESSION})))
add(F, 'cross-account: caller SCP must allow', XACC, 'ImplicitlyDenied', req(principal=XUSER, resource=xb, account=A), identity_policies=[doc(allow())],
    resource_policy=doc(allow(Principal={'AWS': XUSER})), scps=[[doc(allow(action='ec2:*'))]])
add(F, 'cross-account: RBP Deny wins', XACC, 'ExplicitlyDenied', req(principal=XUSER, resource=xb, account=A), identity_policies=[doc(allow())],
    resource_policy=doc(allow(Principal={'AWS': XUSER}), deny(Principal={'AWS': B})))
add(F, 'cross-account: identity Deny wins', XACC, 'ExplicitlyDenied', req(principal=XUSER, resource=xb, account=A), identity_policies=[doc(allow(), deny(action='s3:GetObject'))],
    resource_policy=doc(allow(Principal={'AWS': XUSER})))
add(F, 'cross-account AssumeRole: trust policy and identity', XACC, 'Allowed', req(action='sts:AssumeRole', principal=XUSER, resource=f'arn:aws:iam::{A}:role/target', account=A),
    identity_policies=[doc(allow(action='sts:AssumeRole', resource=f'arn:aws:iam::{A}:role/target'))],
    resource_policy=doc(allow(action='sts:AssumeRole', resource=None, Principal={'AWS': f'arn:aws:iam::{B}:root'})))
add(F, 'cross-account AssumeRole: trust only', XACC, 'ImplicitlyDenied', req(action='sts:AssumeRole', principal=XUSER, resource=f'arn:aws:iam::{A}:role/target', account=A),
    resource_policy=doc(allow(action='sts:AssumeRole', resource=None, Principal={'AWS': f'arn:aws:iam::{B}:root'})))
add(F, 'cross-account with aws:PrincipalOrgID condition in the RBP', XACC, 'Allowed', req(principal=XUSER, resource=xb, account=A, ctx={'aws:PrincipalOrgID': 'o-123'}),
    identity_policies=[doc(allow())], resource_policy=doc(allow(Principal='*', cond={'StringEquals': {'aws:PrincipalOrgID': 'o-123'}})))
add(F, 'cross-account with aws:PrincipalOrgID mismatch', XACC, 'ImplicitlyDenied', req(principal=XUSER, resource=xb, account=A, ctx={'aws:PrincipalOrgID': 'o-999'}),
    identity_policies=[doc(allow())], resource_policy=doc(allow(Principal='*', cond={'StringEquals': {'aws:PrincipalOrgID': 'o-123'}})))
add(F, 'same account when resource_account equals the caller account', EVAL, 'Allowed', req(principal=USER, resource=OBJ, account=A), resource_policy=doc(allow(Principal={'AWS': USER})))

# ---------------- Revocation and EC2 credential binding ----------------
F = 'revocation-ec2-binding.json'
WROLE = f'arn:aws:sts::{A}:assumed-role/GuardDuty-Example-EC2-Compromised/i-0123456789abcdef0'
revoke = {'Version': '2012-10-17', 'Statement': {'Effect': 'Deny', 'Action': '*', 'Resource': '*', 'Condition': {'DateLessThan': {'aws:TokenIssueTime': '2021-03-08T12:34:56.789012'}}}}
console = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Deny', 'Action': ['*'], 'Resource': ['*'], 'Condition': {'DateLessThan': {'aws:TokenIssueTime': '2021-03-08T12:34:56Z'}}}]}
normal = doc(allow(action=['dynamodb:ListTables', 'dynamodb:DescribeTable']))
for pol, pname in [(revoke, 'RevokeOldSessions'), (console, 'AWSRevokeOlderSessions')]:
    for t, exp in [('2021-03-08T12:34:55Z', 'ExplicitlyDenied'), ('2021-03-08T12:34:57Z', 'Allowed'), ('2020-01-01T00:00:00Z', 'ExplicitlyDenied'), ('2021-03-09T00:00:00Z', 'Allowed')]:
        m = [{'policy': pname, 'statement': 0}] if exp == 'ExplicitlyDenied' else [{'policy': 'GuardDutyCompromisedPolicy', 'statement': 0}]
        add(F, f'{pname}: session issued {t}', REVOKE, exp, req(action='dynamodb:ListTables', resource='*', principal=WROLE, ctx={'aws:TokenIssueTime': t}),
            matched=m, identity_policies=[{'name': 'GuardDutyCompromisedPolicy', 'document': normal}, {'name': pname, 'document': pol}])
    add(F, f'{pname}: long-term keys have no aws:TokenIssueTime and are not revoked', REVOKE, 'Allowed', req(action='dynamodb:ListTables', resource='*', principal=USER),
        identity_policies=[normal, {'name': pname, 'document': pol}])
add(F, 'RevokeOldSessions: issued exactly at the cutoff is not revoked (strict <)', REVOKE, 'Allowed',
    req(action='dynamodb:ListTables', resource='*', principal=WROLE, ctx={'aws:TokenIssueTime': '2021-03-08T12:34:56.789012Z'}),
    identity_policies=[normal, {'name': 'RevokeOldSessions', 'document': revoke}])
add(F, 'RevokeOldSessions: CloudTrail basic format issue time', REVOKE, 'ExplicitlyDenied',
    req(action='dynamodb:ListTables', resource='*', principal=WROLE, ctx={'aws:TokenIssueTime': '20210308T123455Z'}),
    identity_policies=[normal, {'name': 'RevokeOldSessions', 'document': revoke}])
add(F, 'RevokeOldSessions: sts:GetCallerIdentity still answers a revoked session', GCI, 'Allowed',
    req(action='sts:GetCallerIdentity', resource='*', principal=WROLE, ctx={'aws:TokenIssueTime': '2021-03-08T12:34:55Z'}),
    identity_policies=[normal, {'name': 'RevokeOldSessions', 'document': revoke}])
narrow = doc(deny(cond={'DateLessThan': {'aws:TokenIssueTime': '2021-03-08T12:34:56Z'}, 'ArnEquals': {'ec2:SourceInstanceARN': f'arn:aws:ec2:us-west-2:{A}:instance/i-0123456789abcdef0'}}))
for inst, exp in [('i-0123456789abcdef0', 'ExplicitlyDenied'), ('i-0fedcba9876543210', 'Allowed')]:
    add(F, f'instance-scoped revocation, instance {inst}', REVOKE, exp,
        req(action='dynamodb:ListTables', resource='*', principal=f'arn:aws:sts::{A}:assumed-role/GuardDuty-Example-EC2-Compromised/{inst}',
            ctx={'aws:TokenIssueTime': '2021-03-08T12:00:00Z', 'ec2:SourceInstanceARN': f'arn:aws:ec2:us-west-2:{A}:instance/{inst}'}),
        identity_policies=[normal, narrow])
vpc1 = doc({'Sid': 'RequireSameVPC', 'Effect': 'Deny', 'Action': '*', 'Resource': '*', 'Condition': {
    'StringNotEquals': {'aws:SourceVpc': '${aws:Ec2InstanceSourceVpc}'}, 'Null': {'ec2:SourceInstanceARN': 'false'}, 'BoolIfExists': {'aws:ViaAWSService': 'false'}}})
vpc2 = doc(*[{'Effect': 'Deny', 'Action': '*', 'Resource': '*', 'Condition': {
    'StringNotEquals': {'aws:Ec2InstanceSourceVpc': '${aws:SourceVpc}'}, 'Null': {'ec2:SourceInstanceARN': 'false'}, 'BoolIfExists': {'aws:ViaAWSService': 'false'}}},
    {'Effect': 'Deny', 'Action': '*', 'Resource': '*', 'Condition': {
    'StringNotEquals': {'aws:Ec2InstanceSourcePrivateIPv4': '${aws:VpcSourceIp}'}, 'Null': {'ec2:SourceInstanceARN': 'false'}, 'BoolIfExists': {'aws:ViaAWSService': 'false'}}}])
inst = {'ec2:SourceInstanceARN': f'arn:aws:ec2:us-west-2:{A}:instance/i-0123456789abcdef0', 'aws:Ec2InstanceSourceVpc': 'vpc-1111', 'aws:Ec2InstanceSourcePrivateIPv4': '10.0.0.5'}
scen = [
    ('in its own VPC through an endpoint, same IP', dict(inst, **{'aws:SourceVpc': 'vpc-1111', 'aws:VpcSourceIp': '10.0.0.5', 'aws:SourceVpce': 'vpce-1', 'aws:ViaAWSService': 'false'}), 'Allowed', 'Allowed'),
    ('in its own VPC through an endpoint, other IP', dict(inst, **{'aws:SourceVpc': 'vpc-1111', 'aws:VpcSourceIp': '10.0.0.9', 'aws:SourceVpce': 'vpce-1', 'aws:ViaAWSService': 'false'}), 'Allowed', 'ExplicitlyDenied'),
    ('from another VPC', dict(inst, **{'aws:SourceVpc': 'vpc-2222', 'aws:VpcSourceIp': '10.0.0.5', 'aws:ViaAWSService': 'false'}), 'ExplicitlyDenied', 'ExplicitlyDenied'),
    ('from the internet (no endpoint)', dict(inst, **{'aws:SourceIp': '198.51.100.7', 'aws:ViaAWSService': 'false'}), 'ExplicitlyDenied', 'ExplicitlyDenied'),
    ('on its behalf by an AWS service', dict(inst, **{'aws:ViaAWSService': 'true'}), 'Allowed', 'Allowed'),
    ('non-EC2 credentials from the internet', {'aws:SourceIp': '198.51.100.7', 'aws:ViaAWSService': 'false'}, 'Allowed', 'Allowed'),
]
for what, ctx, e1, e2 in scen:
    add(F, f'RequireSameVPC: {what}', EC2VPC, e1, req(action='dynamodb:ListTables', resource='*', principal=WROLE, ctx=ctx), identity_policies=[normal, vpc1])
    add(F, f'same VPC and IP (two statements): {what}', EC2VPC, e2, req(action='dynamodb:ListTables', resource='*', principal=WROLE, ctx=ctx), identity_policies=[normal, vpc2])
add(F, 'RequireSameVPC as an SCP', EC2VPC, 'ExplicitlyDenied', req(action='dynamodb:ListTables', resource='*', principal=WROLE, ctx=dict(inst, **{'aws:SourceIp': '198.51.100.7'})),
    identity_policies=[normal], scps=[[doc(allow(action='*')), vpc1]])
add(F, 'IMDSv1 credentials denied with ec2:RoleDelivery', GK, 'ExplicitlyDenied', req(action='dynamodb:ListTables', resource='*', principal=WROLE, ctx=dict(inst, **{'ec2:RoleDelivery': '1.0'})),
    identity_policies=[normal, doc(deny(cond={'NumericLessThan': {'ec2:RoleDelivery': '2.0'}}))])
add(F, 'IMDSv2 credentials pass the ec2:RoleDelivery check', GK, 'Allowed', req(action='dynamodb:ListTables', resource='*', principal=WROLE, ctx=dict(inst, **{'ec2:RoleDelivery': '2.0'})),
    identity_policies=[normal, doc(deny(cond={'NumericLessThan': {'ec2:RoleDelivery': '2.0'}}))])

total = 0
for fname, cases in files.items():
    names = [c['name'] for c in cases]
    assert len(names) == len(set(names)), (fname, [n for n in names if names.count(n) > 1])
    with open(os.path.join(OUT, fname), 'w') as f:
        json.dump(cases, f, indent=1)
        f.write('\n')
    total += len(cases)
    print(fname, len(cases))
print('total', total)
