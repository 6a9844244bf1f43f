//! Optional GeoIP/ASN enrichment from MaxMind-format (`.mmdb`) databases.

use std::net::IpAddr;
use std::path::Path;

use maxminddb::{Reader, geoip2};

use super::NetError;

/// Location and network owner of an address, as far as the databases know.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeoInfo {
    /// ISO 3166-1 alpha-2 code, e.g. `SE`.
    pub country_code: Option<String>,
    /// English country name.
    pub country_name: Option<String>,
    /// English city name (City databases only).
    pub city_name: Option<String>,
    /// Latitude (City databases only).
    pub lat: Option<f64>,
    /// Longitude (City databases only).
    pub lon: Option<f64>,
    /// Autonomous system number.
    pub asn: Option<u32>,
    /// Autonomous system organisation.
    pub asn_org: Option<String>,
}

/// GeoLite2/GeoIP2 City or Country database and ASN database, each optional.
///
/// Both are read whole into memory when opened. Without either database every lookup
/// returns an empty [`GeoInfo`].
pub struct GeoIp {
    location: Option<Reader<Vec<u8>>>,
    asn: Option<Reader<Vec<u8>>>,
}

impl std::fmt::Debug for GeoIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind =
            |r: &Option<Reader<Vec<u8>>>| r.as_ref().map(|r| r.metadata().database_type.clone());
        f.debug_struct("GeoIp")
            .field("location", &kind(&self.location))
            .field("asn", &kind(&self.asn))
            .finish()
    }
}

impl GeoIp {
    /// Opens the databases given; `None` for both is valid and enriches nothing.
    pub fn open(city_or_country: Option<&Path>, asn: Option<&Path>) -> Result<Self, NetError> {
        Ok(Self {
            location: city_or_country.map(open_reader).transpose()?,
            asn: asn.map(open_reader).transpose()?,
        })
    }

    /// Whether any database is open.
    pub fn is_enabled(&self) -> bool {
        self.location.is_some() || self.asn.is_some()
    }

    /// What the databases say about `ip`; fields they do not know, or a lookup error, stay
    /// `None` (use [`Self::try_lookup`] to see errors).
    pub fn lookup(&self, ip: IpAddr) -> GeoInfo {
        self.try_lookup(ip).unwrap_or_default()
    }

    /// What the databases say about `ip`, or the error of a corrupt database.
    pub fn try_lookup(&self, ip: IpAddr) -> Result<GeoInfo, NetError> {
        let ip = ip.to_canonical();
        let failed = |source| NetError::GeoIpLookup { ip, source };
        let mut info = GeoInfo::default();
        if let Some(reader) = self.location.as_ref().filter(|r| covers(r, ip)) {
            // A Country record is a City record without city and location, so one type
            // decodes both kinds of database.
            let found = reader.lookup(ip).map_err(failed)?;
            if let Some(record) = found.decode::<geoip2::City<'_>>().map_err(failed)? {
                // Where the address is used; fall back to where its block is registered.
                let country = if record.country.iso_code.is_some() {
                    &record.country
                } else {
                    &record.registered_country
                };
                info.country_code = country.iso_code.map(str::to_owned);
                info.country_name = country.names.english.map(str::to_owned);
                info.city_name = record.city.names.english.map(str::to_owned);
                info.lat = record.location.latitude;
                info.lon = record.location.longitude;
            }
        }
        if let Some(reader) = self.asn.as_ref().filter(|r| covers(r, ip)) {
            let found = reader.lookup(ip).map_err(failed)?;
            if let Some(record) = found.decode::<geoip2::Asn<'_>>().map_err(failed)? {
                info.asn = record.autonomous_system_number;
                info.asn_org = record.autonomous_system_organization.map(str::to_owned);
            }
        }
        Ok(info)
    }
}

/// Whether the database can hold `ip` (an IPv4-only database knows nothing of IPv6).
fn covers(reader: &Reader<Vec<u8>>, ip: IpAddr) -> bool {
    ip.is_ipv4() || reader.metadata().ip_version == 6
}

fn open_reader(path: &Path) -> Result<Reader<Vec<u8>>, NetError> {
    let bytes = fs_err::read(path)?;
    Reader::from_source(bytes).map_err(|source| NetError::GeoIpOpen {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/geoip")
            .join(name)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn both() -> GeoIp {
        GeoIp::open(
            Some(&fixture("test-city.mmdb")),
            Some(&fixture("test-asn.mmdb")),
        )
        .unwrap()
    }

    #[test]
    fn city_and_asn_ipv4() {
        let info = both().lookup(ip("198.51.100.7"));
        assert_eq!(
            info,
            GeoInfo {
                country_code: Some("SE".into()),
                country_name: Some("Sweden".into()),
                city_name: Some("Stockholm".into()),
                lat: Some(59.3293),
                lon: Some(18.0686),
                asn: Some(64500),
                asn_org: Some("Example Transit AB".into()),
            }
        );
        // An IPv4-mapped IPv6 address is looked up as IPv4.
        assert_eq!(both().lookup(ip("::ffff:198.51.100.7")), info);
    }

    #[test]
    fn city_and_asn_ipv6() {
        assert_eq!(
            both().lookup(ip("2001:db8:1:2::1")),
            GeoInfo {
                country_code: Some("DE".into()),
                country_name: Some("Germany".into()),
                city_name: Some("Berlin".into()),
                lat: Some(52.5244),
                lon: Some(13.4105),
                asn: Some(64501),
                asn_org: Some("Beispiel Netz GmbH".into()),
            }
        );
    }

    #[test]
    fn partial_records() {
        let geo = both();
        // Country without city or location; no ASN record.
        assert_eq!(
            geo.lookup(ip("192.0.2.1")),
            GeoInfo {
                country_code: Some("US".into()),
                country_name: Some("United States".into()),
                ..GeoInfo::default()
            }
        );
        // Only the registered country is known: it is used.
        assert_eq!(
            geo.lookup(ip("203.0.113.1")),
            GeoInfo {
                country_code: Some("JP".into()),
                country_name: Some("Japan".into()),
                ..GeoInfo::default()
            }
        );
        // ASN only.
        assert_eq!(
            geo.lookup(ip("3.225.16.109")),
            GeoInfo {
                asn: Some(16509),
                asn_org: Some("AMAZON-02".into()),
                ..GeoInfo::default()
            }
        );
        // Unknown everywhere.
        assert_eq!(geo.lookup(ip("8.8.8.8")), GeoInfo::default());
    }

    #[test]
    fn country_database_alone() {
        let geo = GeoIp::open(Some(&fixture("test-country.mmdb")), None).unwrap();
        assert!(geo.is_enabled());
        assert_eq!(
            geo.lookup(ip("198.51.100.7")),
            GeoInfo {
                country_code: Some("SE".into()),
                country_name: Some("Sweden".into()),
                ..GeoInfo::default()
            }
        );
        // IPv6 in an IPv4-only database: nothing, not an error.
        assert_eq!(
            geo.try_lookup(ip("2001:db8:1::1")).unwrap(),
            GeoInfo::default()
        );
    }

    #[test]
    fn no_databases_enrich_nothing() {
        let geo = GeoIp::open(None, None).unwrap();
        assert!(!geo.is_enabled());
        assert_eq!(
            geo.try_lookup(ip("198.51.100.7")).unwrap(),
            GeoInfo::default()
        );
    }

    #[test]
    fn open_errors_name_the_file() {
        let missing =
            GeoIp::open(Some(Path::new("/nonexistent/GeoLite2-City.mmdb")), None).unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("/nonexistent/GeoLite2-City.mmdb"),
            "{missing}"
        );

        let not_mmdb = fixture("make_fixtures.py");
        let err = GeoIp::open(None, Some(&not_mmdb)).unwrap_err();
        assert!(matches!(err, NetError::GeoIpOpen { .. }), "{err}");
        assert!(
            err.to_string().starts_with(&format!(
                "cannot open geoip database `{}`: ",
                not_mmdb.display()
            )),
            "{err}"
        );
    }
}
