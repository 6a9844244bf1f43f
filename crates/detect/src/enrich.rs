//! `remoteIpDetails` for an address: GeoIP/ASN when databases are configured, and AWS's
//! ranges for AWS addresses.

use std::net::IpAddr;

use findings::{City, Country, GeoLocation, Organization, RemoteIpDetails};

use crate::settings::Settings;

/// The `remoteIpDetails` GuardDuty would show for the address.
pub(crate) fn remote_ip_details(settings: &Settings, ip: IpAddr) -> RemoteIpDetails {
    let mut details = RemoteIpDetails::default();
    match ip {
        IpAddr::V4(v4) => details.ip_address_v4 = Some(v4.to_string()),
        IpAddr::V6(v6) => details.ip_address_v6 = Some(v6.to_string()),
    }
    if let Some(geo) = settings.geoip.as_ref().map(|db| db.lookup(ip)) {
        details.organization = Organization {
            asn: geo.asn.map(|asn| asn.to_string()),
            asn_org: geo.asn_org.clone(),
            isp: geo.asn_org.clone(),
            org: geo.asn_org,
        };
        details.country = Country {
            country_code: geo.country_code,
            country_name: geo.country_name,
        };
        details.city = City {
            city_name: geo.city_name,
        };
        details.geo_location = GeoLocation {
            lat: geo.lat,
            lon: geo.lon,
        };
    }
    if let Some(range) = settings.ip_ranges.lookup(ip)
        && details.organization.org.is_none()
    {
        let owner = format!("Amazon {} ({})", range.service, range.region);
        details.organization.org = Some(owner.clone());
        details.organization.isp = Some(owner);
    }
    details
}
