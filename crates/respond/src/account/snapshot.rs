//! [`SnapshotAccount`]: an offline account over a snapshot directory.
//!
//! The directory holds `gaad.json` (`aws iam get-account-authorization-details`) and
//! `describe-instances.json` (`aws ec2 describe-instances`); security groups the actions create
//! go to `security-groups.json` (`describe-security-groups` format) and EBS snapshots to
//! `snapshots.json` (`describe-snapshots` format). Edits happen in memory; [`SnapshotAccount::save`]
//! writes back only the files that changed, as the AWS CLI prints JSON (four-space indent),
//! so an undone change leaves a file byte-for-byte as it was when its keys were sorted.
//!
//! `describe-instances` does not show association ids; offline, the association of an instance
//! is named `iip-assoc-` + the instance id's hex part (a stable name, since an instance has at
//! most one association).

use std::path::{Path, PathBuf};

use iam::snapshot::Snapshot;
use iam::{Context, Principal, Request};
use serde::Serialize;
use serde_json::{Value, json};

use super::{Account, AccountError, GroupRef, Instance, InstanceProfile, ProfileAssociation, Role};

/// The file names inside a snapshot directory.
pub const GAAD_FILE: &str = "gaad.json";
/// See [`GAAD_FILE`].
pub const INSTANCES_FILE: &str = "describe-instances.json";
/// See [`GAAD_FILE`].
pub const GROUPS_FILE: &str = "security-groups.json";
/// See [`GAAD_FILE`].
pub const SNAPSHOTS_FILE: &str = "snapshots.json";

/// An account snapshot loaded from a directory, edited in memory.
#[derive(Debug)]
pub struct SnapshotAccount {
    dir: PathBuf,
    account_id: String,
    gaad: Snapshot,
    instances: Value,
    groups: Value,
    snapshots: Value,
    dirty: [bool; 4],
}

const GAAD: usize = 0;
const INSTANCES: usize = 1;
const GROUPS: usize = 2;
const SNAPSHOTS: usize = 3;

impl SnapshotAccount {
    /// Loads the snapshot in `dir`.
    ///
    /// # Errors
    /// If a file is missing (the two optional ones excepted) or not the expected JSON.
    pub fn load(dir: &Path) -> Result<Self, AccountError> {
        let gaad_path = dir.join(GAAD_FILE);
        let gaad =
            Snapshot::parse(&read(&gaad_path)?).map_err(|e| snapshot_error(&gaad_path, &e))?;
        let instances = read_json(&dir.join(INSTANCES_FILE))?;
        let groups = read_optional(&dir.join(GROUPS_FILE), json!({"SecurityGroups": []}))?;
        let snapshots = read_optional(&dir.join(SNAPSHOTS_FILE), json!({"Snapshots": []}))?;
        let account_id = gaad
            .role_names()
            .first()
            .and_then(|r| gaad.role_arn(r))
            .and_then(|arn| arn.split(':').nth(4))
            .unwrap_or_default()
            .to_owned();
        Ok(Self {
            dir: dir.to_owned(),
            account_id,
            gaad,
            instances,
            groups,
            snapshots,
            dirty: [false; 4],
        })
    }

    /// Writes the changed files back into the directory.
    ///
    /// # Errors
    /// If a file cannot be written.
    pub fn save(&mut self) -> Result<(), AccountError> {
        let gaad = self
            .gaad
            .as_json()
            .map_err(|e| snapshot_error(&self.dir.join(GAAD_FILE), &e))?;
        let files = [
            (GAAD_FILE, gaad),
            (INSTANCES_FILE, &self.instances),
            (GROUPS_FILE, &self.groups),
            (SNAPSHOTS_FILE, &self.snapshots),
        ];
        for (i, (name, value)) in files.into_iter().enumerate() {
            if self.dirty[i] {
                let path = self.dir.join(name);
                fs_err::write(&path, cli_json(value))
                    .map_err(|e| io_error(&path, &e.to_string()))?;
            }
        }
        self.dirty = [false; 4];
        Ok(())
    }

    /// The IAM snapshot (for verification and printing).
    #[must_use]
    pub fn iam(&self) -> &Snapshot {
        &self.gaad
    }

    fn roles_json(&self) -> Vec<&Value> {
        self.gaad
            .as_json()
            .ok()
            .and_then(|j| j.get("RoleDetailList"))
            .and_then(Value::as_array)
            .map(|l| l.iter().collect())
            .unwrap_or_default()
    }

    fn instances_json(&self) -> impl Iterator<Item = &Value> {
        reservations(&self.instances).flat_map(|r| {
            r.get("Instances")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
    }

    fn instance_json_mut(&mut self, id: &str) -> Result<&mut Value, AccountError> {
        self.instances
            .get_mut("Reservations")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .filter_map(|r| r.get_mut("Instances").and_then(Value::as_array_mut))
            .flatten()
            .find(|i| i.get("InstanceId").and_then(Value::as_str) == Some(id))
            .ok_or_else(|| AccountError::NoSuchInstance(id.to_owned()))
    }

    fn profile_id(&self, arn: &str) -> Option<String> {
        self.roles_json()
            .into_iter()
            .filter_map(|r| r.get("InstanceProfileList").and_then(Value::as_array))
            .flatten()
            .find(|p| p.get("Arn").and_then(Value::as_str) == Some(arn))
            .and_then(|p| p.get("InstanceProfileId").and_then(Value::as_str))
            .map(str::to_owned)
    }

    fn group_name(&self, id: &str) -> Option<String> {
        let created = array(&self.groups, "SecurityGroups")
            .find(|g| g.get("GroupId").and_then(Value::as_str) == Some(id))
            .and_then(|g| g.get("GroupName").and_then(Value::as_str));
        let seen = || {
            self.instances_json()
                .flat_map(|i| array(i, "SecurityGroups"))
                .find(|g| g.get("GroupId").and_then(Value::as_str) == Some(id))
                .and_then(|g| g.get("GroupName").and_then(Value::as_str))
        };
        created.or_else(seen).map(str::to_owned)
    }
}

impl Account for SnapshotAccount {
    fn get_role(&self, name: &str) -> Result<Option<Role>, AccountError> {
        Ok(self
            .roles_json()
            .into_iter()
            .find(|r| r.get("RoleName").and_then(Value::as_str) == Some(name))
            .map(|r| Role {
                name: name.to_owned(),
                arn: text(r, "Arn"),
                path: text(r, "Path"),
            }))
    }

    fn instance_profiles_for_role(&self, role: &str) -> Result<Vec<InstanceProfile>, AccountError> {
        let profiles = self
            .gaad
            .instance_profiles(role)
            .map_err(|_| AccountError::NoSuchRole(role.to_owned()))?;
        Ok(profiles
            .into_iter()
            .map(|p| InstanceProfile {
                name: p.name,
                arn: p.arn,
            })
            .collect())
    }

    fn associations_for_profile(
        &self,
        profile_arn: &str,
    ) -> Result<Vec<ProfileAssociation>, AccountError> {
        Ok(self
            .instances_json()
            .filter_map(instance_of)
            .filter_map(|i| i.profile)
            .filter(|a| a.profile_arn == profile_arn)
            .collect())
    }

    fn get_role_policy(&self, role: &str, name: &str) -> Result<Option<String>, AccountError> {
        let role_json = self
            .roles_json()
            .into_iter()
            .find(|r| r.get("RoleName").and_then(Value::as_str) == Some(role))
            .ok_or_else(|| AccountError::NoSuchRole(role.to_owned()))?;
        Ok(array(role_json, "RolePolicyList")
            .find(|p| p.get("PolicyName").and_then(Value::as_str) == Some(name))
            .and_then(|p| p.get("PolicyDocument"))
            .map(|d| match d {
                Value::String(s) => iam_decode(s),
                other => other.to_string(),
            }))
    }

    fn role_identity_policies(&self, role: &str) -> Result<Vec<iam::Policy>, AccountError> {
        let arn = self
            .gaad
            .role_arn(role)
            .ok_or_else(|| AccountError::NoSuchRole(role.to_owned()))?;
        let request = Request::new(
            Principal::parse(arn),
            "iam:GetRole",
            "*",
            None,
            Context::new(),
        )
        .map_err(|e| AccountError::Invalid(e.to_string()))?;
        let simulation = self
            .gaad
            .simulation(request)
            .map_err(|e| AccountError::Invalid(e.to_string()))?;
        Ok(simulation.policies.identity)
    }

    fn put_role_policy(
        &mut self,
        role: &str,
        name: &str,
        document: &str,
    ) -> Result<(), AccountError> {
        if self.gaad.role_arn(role).is_none() {
            return Err(AccountError::NoSuchRole(role.to_owned()));
        }
        self.gaad
            .put_role_policy(role, name, document)
            .map_err(|e| AccountError::Invalid(e.to_string()))?;
        self.dirty[GAAD] = true;
        Ok(())
    }

    fn delete_role_policy(&mut self, role: &str, name: &str) -> Result<bool, AccountError> {
        let removed = self
            .gaad
            .delete_role_policy(role, name)
            .map_err(|_| AccountError::NoSuchRole(role.to_owned()))?;
        self.dirty[GAAD] |= removed;
        Ok(removed)
    }

    fn describe_instance(&self, id: &str) -> Result<Option<Instance>, AccountError> {
        Ok(self
            .instances_json()
            .find(|i| i.get("InstanceId").and_then(Value::as_str) == Some(id))
            .and_then(instance_of))
    }

    fn find_security_group(
        &self,
        vpc_id: &str,
        name: &str,
    ) -> Result<Option<String>, AccountError> {
        Ok(array(&self.groups, "SecurityGroups")
            .find(|g| {
                g.get("VpcId").and_then(Value::as_str) == Some(vpc_id)
                    && g.get("GroupName").and_then(Value::as_str) == Some(name)
            })
            .map(|g| text(g, "GroupId")))
    }

    fn create_security_group(
        &mut self,
        vpc_id: &str,
        name: &str,
        description: &str,
    ) -> Result<String, AccountError> {
        if self.find_security_group(vpc_id, name)?.is_some() {
            return Err(AccountError::Invalid(format!(
                "security group `{name}` already exists in `{vpc_id}`"
            )));
        }
        let id = format!("sg-{}", short_hash(&format!("{vpc_id}/{name}")));
        let group = json!({
            "Description": description,
            "GroupId": id,
            "GroupName": name,
            "IpPermissions": [],
            "IpPermissionsEgress": [default_egress_rule()],
            "OwnerId": self.account_id,
            "VpcId": vpc_id,
        });
        push(&mut self.groups, "SecurityGroups", group);
        self.dirty[GROUPS] = true;
        Ok(id)
    }

    fn revoke_default_egress(&mut self, group_id: &str) -> Result<bool, AccountError> {
        let group = self
            .groups
            .get_mut("SecurityGroups")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .find(|g| g.get("GroupId").and_then(Value::as_str) == Some(group_id))
            .ok_or_else(|| {
                AccountError::Invalid(format!("security group `{group_id}` does not exist"))
            })?;
        let Some(rules) = group
            .get_mut("IpPermissionsEgress")
            .and_then(Value::as_array_mut)
        else {
            return Ok(false);
        };
        let before = rules.len();
        rules.retain(|rule| *rule != default_egress_rule());
        let revoked = rules.len() != before;
        self.dirty[GROUPS] |= revoked;
        Ok(revoked)
    }

    fn modify_instance_groups(
        &mut self,
        instance: &str,
        groups: &[String],
    ) -> Result<(), AccountError> {
        let refs: Vec<Value> = groups
            .iter()
            .map(|id| json!({"GroupId": id, "GroupName": self.group_name(id).unwrap_or_default()}))
            .collect();
        let json = self.instance_json_mut(instance)?;
        json["SecurityGroups"] = Value::Array(refs.clone());
        if let Some(Value::Array(enis)) = json.get_mut("NetworkInterfaces") {
            for eni in enis
                .iter_mut()
                .filter(|e| e["Attachment"]["DeviceIndex"] == 0)
            {
                eni["Groups"] = Value::Array(refs.clone());
            }
        }
        self.dirty[INSTANCES] = true;
        Ok(())
    }

    fn create_snapshot(&mut self, volume: &str, description: &str) -> Result<String, AccountError> {
        let known = self
            .instances_json()
            .filter_map(instance_of)
            .any(|i| i.volumes.iter().any(|v| v == volume));
        if !known {
            return Err(AccountError::Invalid(format!(
                "volume `{volume}` does not exist"
            )));
        }
        let count = array(&self.snapshots, "Snapshots").count();
        let id = format!("snap-{}", short_hash(&format!("{volume}/{count}")));
        let snapshot = json!({
            "Description": description,
            "OwnerId": self.account_id,
            "SnapshotId": id,
            "State": "pending",
            "VolumeId": volume,
        });
        push(&mut self.snapshots, "Snapshots", snapshot);
        self.dirty[SNAPSHOTS] = true;
        Ok(id)
    }

    fn modify_metadata_options(
        &mut self,
        instance: &str,
        http_tokens: &str,
    ) -> Result<(), AccountError> {
        let json = self.instance_json_mut(instance)?;
        json["MetadataOptions"]["HttpTokens"] = Value::String(http_tokens.to_owned());
        self.dirty[INSTANCES] = true;
        Ok(())
    }

    fn create_tags(
        &mut self,
        resources: &[String],
        tags: &[(String, String)],
    ) -> Result<(), AccountError> {
        for resource in resources {
            let json = self.instance_json_mut(resource)?;
            if !json.get("Tags").is_some_and(Value::is_array) {
                json["Tags"] = Value::Array(Vec::new());
            }
            if let Some(Value::Array(list)) = json.get_mut("Tags") {
                for (key, value) in tags {
                    let entry = json!({"Key": key, "Value": value});
                    match list.iter_mut().find(|t| t["Key"] == key.as_str()) {
                        Some(existing) => *existing = entry,
                        None => list.push(entry),
                    }
                }
            }
        }
        self.dirty[INSTANCES] = true;
        Ok(())
    }

    fn disassociate_profile(&mut self, association_id: &str) -> Result<(), AccountError> {
        let instance = self
            .instances_json()
            .filter_map(instance_of)
            .find(|i| {
                i.profile
                    .as_ref()
                    .is_some_and(|a| a.association_id == association_id)
            })
            .map(|i| i.id)
            .ok_or_else(|| AccountError::NoSuchAssociation(association_id.to_owned()))?;
        if let Some(map) = self.instance_json_mut(&instance)?.as_object_mut() {
            map.remove("IamInstanceProfile");
        }
        self.dirty[INSTANCES] = true;
        Ok(())
    }

    fn associate_profile(
        &mut self,
        instance: &str,
        profile_arn: &str,
    ) -> Result<String, AccountError> {
        let profile_id = self
            .profile_id(profile_arn)
            .ok_or_else(|| AccountError::NoSuchProfile(profile_arn.to_owned()))?;
        let json = self.instance_json_mut(instance)?;
        if json.get("IamInstanceProfile").is_some() {
            return Err(AccountError::Invalid(format!(
                "instance `{instance}` already has an instance profile association"
            )));
        }
        json["IamInstanceProfile"] = json!({"Arn": profile_arn, "Id": profile_id});
        self.dirty[INSTANCES] = true;
        Ok(association_id(instance))
    }
}

/// The offline association id of an instance (see the module docs).
fn association_id(instance: &str) -> String {
    format!("iip-assoc-{}", instance.trim_start_matches("i-"))
}

fn instance_of(json: &Value) -> Option<Instance> {
    let id = json.get("InstanceId")?.as_str()?.to_owned();
    let name = array(json, "Tags")
        .find(|t| t.get("Key").and_then(Value::as_str) == Some("Name"))
        .map(|t| text(t, "Value"));
    let security_groups = array(json, "SecurityGroups")
        .map(|g| GroupRef {
            id: text(g, "GroupId"),
            name: text(g, "GroupName"),
        })
        .collect();
    let volumes = array(json, "BlockDeviceMappings")
        .filter_map(|b| b.get("Ebs")?.get("VolumeId")?.as_str().map(str::to_owned))
        .collect();
    let profile = json
        .get("IamInstanceProfile")
        .and_then(|p| p.get("Arn"))
        .and_then(Value::as_str)
        .map(|arn| ProfileAssociation {
            association_id: association_id(&id),
            instance_id: id.clone(),
            profile_arn: arn.to_owned(),
        });
    Some(Instance {
        name,
        state: json
            .get("State")
            .map(|s| text(s, "Name"))
            .unwrap_or_default(),
        vpc_id: json.get("VpcId").and_then(Value::as_str).map(str::to_owned),
        security_groups,
        volumes,
        http_tokens: json
            .get("MetadataOptions")
            .and_then(|m| m.get("HttpTokens"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        profile,
        id,
    })
}

fn reservations(json: &Value) -> impl Iterator<Item = &Value> {
    array(json, "Reservations")
}

fn array<'a>(json: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    json.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The egress rule AWS gives every new security group, as `describe-security-groups` shows it.
fn default_egress_rule() -> Value {
    json!({
        "IpProtocol": "-1",
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
        "Ipv6Ranges": [],
        "PrefixListIds": [],
        "UserIdGroupPairs": []
    })
}

fn push(json: &mut Value, key: &str, item: Value) {
    if !json.get(key).is_some_and(Value::is_array) {
        json[key] = Value::Array(Vec::new());
    }
    if let Some(Value::Array(list)) = json.get_mut(key) {
        list.push(item);
    }
}

fn text(json: &Value, key: &str) -> String {
    json.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A URL-encoded policy document (as the IAM API returns it) decoded.
fn iam_decode(text: &str) -> String {
    if text.trim_start().starts_with('{') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// 17 hex digits derived from `seed`: offline resource ids are stable across runs.
fn short_hash(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(seed.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex.chars().take(17).collect()
}

/// JSON as the AWS CLI prints it: four-space indent, trailing newline.
fn cli_json(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    if value.serialize(&mut serializer).is_ok() {
        out.push(b'\n');
    }
    out
}

fn read(path: &Path) -> Result<String, AccountError> {
    fs_err::read_to_string(path).map_err(|e| io_error(path, &e.to_string()))
}

fn read_json(path: &Path) -> Result<Value, AccountError> {
    serde_json::from_str(&read(path)?).map_err(|e| io_error(path, &e.to_string()))
}

fn read_optional(path: &Path, default: Value) -> Result<Value, AccountError> {
    if path.exists() {
        read_json(path)
    } else {
        Ok(default)
    }
}

fn io_error(path: &Path, message: &str) -> AccountError {
    AccountError::Snapshot {
        path: path.display().to_string(),
        message: message.to_owned(),
    }
}

fn snapshot_error(path: &Path, e: &iam::snapshot::SnapshotError) -> AccountError {
    io_error(path, &e.to_string())
}
