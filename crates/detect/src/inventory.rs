//! An instance inventory from `aws ec2 describe-instances` JSON: binds each instance's own
//! addresses to it and fills `resource.instanceDetails` in findings.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;

use findings::{
    IamInstanceProfile, InstanceDetails, NetworkInterface, PrivateIpAddress, SecurityGroup, Tag,
};
use serde::Deserialize;

/// An inventory file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    /// The file could not be read.
    #[error("cannot read inventory: {0}")]
    Io(#[from] std::io::Error),
    /// Not `describe-instances` output.
    #[error("`{path}` is not `aws ec2 describe-instances` JSON: {error}")]
    Format {
        /// The file.
        path: String,
        /// What serde said.
        error: serde_json::Error,
    },
}

/// One inventoried instance.
#[derive(Debug, Clone)]
pub struct InventoryInstance {
    /// The owning account (`OwnerId` of the reservation), when given.
    pub account: Option<String>,
    /// GuardDuty's `instanceDetails` for it.
    pub details: InstanceDetails,
    /// Every public, private and IPv6 address of the instance.
    pub addresses: Vec<IpAddr>,
}

/// All inventoried instances, by lowercase instance id, and who owns each address.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    instances: HashMap<String, InventoryInstance>,
    owners: HashMap<IpAddr, String>,
}

impl Inventory {
    /// Reads and adds one `describe-instances` file.
    pub fn add_file(&mut self, path: &Path) -> Result<(), InventoryError> {
        let bytes = fs_err::read(path)?;
        self.add_json(&bytes)
            .map_err(|error| InventoryError::Format {
                path: path.display().to_string(),
                error,
            })
    }

    /// Adds the instances of one `describe-instances` document.
    pub fn add_json(&mut self, bytes: &[u8]) -> Result<(), serde_json::Error> {
        let output: DescribeInstances = serde_json::from_slice(bytes)?;
        for reservation in output.reservations {
            for instance in reservation.instances {
                let entry = instance.into_inventory(reservation.owner_id.clone());
                let id = entry.details.instance_id.to_ascii_lowercase();
                for address in &entry.addresses {
                    self.owners.insert(*address, id.clone());
                }
                self.instances.insert(id, entry);
            }
        }
        Ok(())
    }

    /// The instance with this id (any case).
    pub fn instance(&self, instance_id: &str) -> Option<&InventoryInstance> {
        self.instances.get(&instance_id.to_ascii_lowercase())
    }

    /// The instance an address belongs to.
    pub fn owner_of(&self, ip: IpAddr) -> Option<&InventoryInstance> {
        self.owners.get(&ip).and_then(|id| self.instances.get(id))
    }

    /// Number of instances.
    pub fn len(&self) -> usize {
        self.instances.len()
    }

    /// True when no instance is known.
    pub fn is_empty(&self) -> bool {
        self.instances.is_empty()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeInstances {
    reservations: Vec<Reservation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Reservation {
    #[serde(default)]
    owner_id: Option<String>,
    #[serde(default)]
    instances: Vec<Ec2Instance>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Ec2Instance {
    instance_id: String,
    #[serde(default)]
    image_id: Option<String>,
    #[serde(default)]
    instance_type: Option<String>,
    #[serde(default)]
    launch_time: Option<String>,
    #[serde(default)]
    placement: Option<Placement>,
    #[serde(default)]
    state: Option<InstanceState>,
    #[serde(default)]
    iam_instance_profile: Option<Ec2Profile>,
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    public_ip_address: Option<String>,
    #[serde(default)]
    private_ip_address: Option<String>,
    #[serde(default)]
    network_interfaces: Vec<Ec2Interface>,
    #[serde(default)]
    tags: Vec<Ec2Tag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Placement {
    #[serde(default)]
    availability_zone: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InstanceState {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Ec2Profile {
    arn: String,
    #[serde(default)]
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Ec2Interface {
    #[serde(default)]
    network_interface_id: Option<String>,
    #[serde(default)]
    private_dns_name: Option<String>,
    #[serde(default)]
    private_ip_address: Option<String>,
    #[serde(default)]
    private_ip_addresses: Vec<Ec2PrivateIp>,
    #[serde(default)]
    association: Option<Association>,
    #[serde(default)]
    ipv6_addresses: Vec<Ec2Ipv6>,
    #[serde(default)]
    groups: Vec<Ec2Group>,
    #[serde(default)]
    subnet_id: Option<String>,
    #[serde(default)]
    vpc_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Ec2PrivateIp {
    private_ip_address: String,
    #[serde(default)]
    private_dns_name: Option<String>,
    #[serde(default)]
    association: Option<Association>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Association {
    #[serde(default)]
    public_ip: Option<String>,
    #[serde(default)]
    public_dns_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Ec2Ipv6 {
    ipv6_address: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Ec2Group {
    group_id: String,
    #[serde(default)]
    group_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Ec2Tag {
    key: String,
    value: String,
}

impl Ec2Instance {
    fn into_inventory(self, account: Option<String>) -> InventoryInstance {
        let mut texts: Vec<&str> = Vec::new();
        texts.extend(self.public_ip_address.as_deref());
        texts.extend(self.private_ip_address.as_deref());
        for interface in &self.network_interfaces {
            texts.extend(interface.private_ip_address.as_deref());
            texts.extend(
                interface
                    .association
                    .as_ref()
                    .and_then(|a| a.public_ip.as_deref()),
            );
            for private in &interface.private_ip_addresses {
                texts.push(&private.private_ip_address);
                texts.extend(
                    private
                        .association
                        .as_ref()
                        .and_then(|a| a.public_ip.as_deref()),
                );
            }
            texts.extend(
                interface
                    .ipv6_addresses
                    .iter()
                    .map(|v6| v6.ipv6_address.as_str()),
            );
        }
        let mut addresses: Vec<IpAddr> = texts.iter().filter_map(|t| t.parse().ok()).collect();
        addresses.sort_unstable();
        addresses.dedup();
        let network_interfaces = self
            .network_interfaces
            .into_iter()
            .map(into_interface)
            .collect();
        InventoryInstance {
            account,
            details: InstanceDetails {
                instance_id: self.instance_id,
                availability_zone: self.placement.and_then(|p| p.availability_zone),
                iam_instance_profile: self.iam_instance_profile.map(|p| IamInstanceProfile {
                    arn: p.arn,
                    id: p.id,
                }),
                image_id: self.image_id,
                instance_state: self.state.map(|s| s.name),
                instance_type: self.instance_type,
                launch_time: self.launch_time,
                network_interfaces,
                platform: self.platform,
                tags: self
                    .tags
                    .into_iter()
                    .map(|t| Tag {
                        key: t.key,
                        value: t.value,
                    })
                    .collect(),
            },
            addresses,
        }
    }
}

fn into_interface(interface: Ec2Interface) -> NetworkInterface {
    let (public_ip, public_dns_name) = match interface.association {
        Some(a) => (a.public_ip, a.public_dns_name),
        None => (None, None),
    };
    NetworkInterface {
        ipv6_addresses: interface
            .ipv6_addresses
            .into_iter()
            .map(|v| v.ipv6_address)
            .collect(),
        network_interface_id: interface.network_interface_id,
        private_dns_name: interface.private_dns_name,
        private_ip_address: interface.private_ip_address,
        private_ip_addresses: interface
            .private_ip_addresses
            .into_iter()
            .map(|p| PrivateIpAddress {
                private_dns_name: p.private_dns_name,
                private_ip_address: p.private_ip_address,
            })
            .collect(),
        public_dns_name,
        public_ip,
        security_groups: interface
            .groups
            .into_iter()
            .map(|g| SecurityGroup {
                group_id: g.group_id,
                group_name: g.group_name,
            })
            .collect(),
        subnet_id: interface.subnet_id,
        vpc_id: interface.vpc_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"Reservations":[{"OwnerId":"123456789012","Instances":[{
        "InstanceId":"i-0123456789abcdef0","ImageId":"ami-1","InstanceType":"t3.micro",
        "LaunchTime":"2026-03-08T11:00:00+00:00","Placement":{"AvailabilityZone":"us-west-2a"},
        "State":{"Code":16,"Name":"running"},
        "IamInstanceProfile":{"Arn":"arn:aws:iam::123456789012:instance-profile/P","Id":"AIPA1"},
        "PublicIpAddress":"54.214.10.20","PrivateIpAddress":"10.0.0.10",
        "NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","PrivateIpAddress":"10.0.0.10",
          "Association":{"PublicIp":"54.214.10.20"},
          "PrivateIpAddresses":[{"PrivateIpAddress":"10.0.0.10","Primary":true},
                                {"PrivateIpAddress":"10.0.0.11","Association":{"PublicIp":"34.1.2.3"}}],
          "Ipv6Addresses":[{"Ipv6Address":"2600:1f14::1"}],
          "Groups":[{"GroupId":"sg-1","GroupName":"web"}],"SubnetId":"subnet-1","VpcId":"vpc-1"}],
        "Tags":[{"Key":"Name","Value":"web"}]}]}]}"#;

    #[test]
    fn binds_every_address_and_fills_details() {
        let mut inventory = Inventory::default();
        inventory.add_json(SAMPLE.as_bytes()).unwrap();
        let instance = inventory.instance("I-0123456789ABCDEF0").unwrap();
        assert_eq!(instance.account.as_deref(), Some("123456789012"));
        let addresses: Vec<String> = instance.addresses.iter().map(ToString::to_string).collect();
        assert_eq!(
            addresses,
            [
                "10.0.0.10",
                "10.0.0.11",
                "34.1.2.3",
                "54.214.10.20",
                "2600:1f14::1"
            ]
        );
        let owner = inventory.owner_of("34.1.2.3".parse().unwrap()).unwrap();
        assert_eq!(owner.details.instance_id, "i-0123456789abcdef0");
        let details = &instance.details;
        assert_eq!(details.instance_state.as_deref(), Some("running"));
        assert_eq!(details.availability_zone.as_deref(), Some("us-west-2a"));
        assert_eq!(
            details.network_interfaces[0].public_ip.as_deref(),
            Some("54.214.10.20")
        );
        assert_eq!(
            details.network_interfaces[0].security_groups[0].group_name,
            "web"
        );
        assert_eq!(details.tags[0].value, "web");
    }

    #[test]
    fn rejects_other_json() {
        let mut inventory = Inventory::default();
        assert!(inventory.add_json(br#"{"Records":[]}"#).is_err());
        assert!(inventory.is_empty());
    }
}
