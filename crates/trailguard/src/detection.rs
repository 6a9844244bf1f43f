//! Builds the detectors' [`detect::Settings`] from the config file and command-line flags.

use std::path::{Path, PathBuf};

use detect::Settings;
use detect::net::{AwsIpRanges, GeoIp, IpList};
use ipnet::IpNet;
use miette::{Context, IntoDiagnostic};

use crate::config::LoadedConfig;

/// Command-line overrides of `[detection]`.
pub(crate) struct DetectionFlags<'a> {
    /// `--ip-ranges FILE`.
    pub(crate) ip_ranges: Option<&'a Path>,
    /// `--inventory FILE…`, added to the config's.
    pub(crate) inventory: &'a [PathBuf],
}

/// Resolves settings: flags win over the file, the file over the built-in defaults.
pub(crate) fn settings(
    config: Option<&LoadedConfig>,
    flags: &DetectionFlags<'_>,
) -> miette::Result<Settings> {
    let section = config.map(|c| &c.raw.detection);
    let resolve = |path: &Path| config.map_or_else(|| path.to_path_buf(), |c| c.resolve(path));
    let ranges_path = flags.ip_ranges.map(Path::to_path_buf).or_else(|| {
        section
            .and_then(|s| s.ip_ranges.as_deref())
            .filter(|v| *v != "builtin")
            .map(|v| resolve(Path::new(v)))
    });
    let ip_ranges = match &ranges_path {
        Some(path) => AwsIpRanges::load(path).into_diagnostic(),
        None => AwsIpRanges::builtin().into_diagnostic(),
    }
    .wrap_err("cannot load AWS IP ranges")?;
    let mut settings = Settings::new(ip_ranges);

    if let (Some(config), Some(section)) = (config, section) {
        let mut errors = Vec::new();
        for network in &section.own_networks {
            match network.get_ref().parse::<IpNet>().or_else(|_| {
                network
                    .get_ref()
                    .parse::<std::net::IpAddr>()
                    .map(IpNet::from)
            }) {
                Ok(net) => settings.own_networks.push(net),
                Err(_) => errors.push(config.error_at(
                    format!("`{}` is not an IP address or CIDR", network.get_ref()),
                    Some(network.span()),
                )),
            }
        }
        for account in &section.affiliated_accounts {
            let text = account.get_ref();
            if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
                settings.affiliated_accounts.insert(text.clone());
            } else {
                errors.push(config.error_at(
                    format!("`{text}` is not a 12-digit AWS account id"),
                    Some(account.span()),
                ));
            }
        }
        config.check(errors)?;
        settings.lock_first_address = section.lock_first_address.unwrap_or(true);
        settings.trusted_lists = load_lists(&section.trusted_ip_lists, &resolve)?;
        settings.threat_lists = load_lists(&section.threat_ip_lists, &resolve)?;
        if section.geoip_city.is_some() || section.geoip_asn.is_some() {
            let city = section.geoip_city.as_deref().map(resolve);
            let asn = section.geoip_asn.as_deref().map(resolve);
            settings.geoip = Some(
                GeoIp::open(city.as_deref(), asn.as_deref())
                    .into_diagnostic()
                    .wrap_err("cannot open GeoIP databases")?,
            );
        }
        for path in &section.inventory {
            add_inventory(&mut settings, &resolve(path))?;
        }
    }
    for path in flags.inventory {
        add_inventory(&mut settings, path)?;
    }
    Ok(settings)
}

fn add_inventory(settings: &mut Settings, path: &Path) -> miette::Result<()> {
    settings.inventory.add_file(path).into_diagnostic()
}

/// Loads GuardDuty TXT lists; bad lines are warnings with their line, the rest loads.
fn load_lists(
    paths: &[PathBuf],
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> miette::Result<Vec<IpList>> {
    paths
        .iter()
        .map(|path| {
            let path = resolve(path);
            let (list, problems) = IpList::load(&path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot load IP list `{}`", path.display()))?;
            for problem in problems {
                tracing::warn!(list = %path.display(), line = problem.line, error = %problem, "Skipped a bad list entry.");
            }
            Ok(list)
        })
        .collect()
}
