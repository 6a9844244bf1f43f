//! Decoding does not depend on where records sit: layout, file boundaries, order, padding.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use cloudtrail::{DecodeOptions, decode_buffer};
use proptest::prelude::*;
use serde_json::{Value, json};

/// What must survive decoding, whatever the layout.
type Fields = (String, i64, String, Value);

#[derive(Debug, Clone)]
struct Generated {
    name: String,
    agent: String,
    second: u32,
    instance_role: bool,
}

impl Generated {
    fn value(&self) -> Value {
        let identity = if self.instance_role {
            json!({"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/r/i-0123456789abcdef0",
                   "sessionContext": {"ec2RoleDelivery": "2.0"}})
        } else {
            json!({"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice"})
        };
        json!({
            "eventVersion": "1.09",
            "userIdentity": identity,
            "eventTime": format!("2024-08-02T08:{:02}:{:02}Z", self.second / 60, self.second % 60),
            "eventName": self.name,
            "userAgent": self.agent,
            "requestParameters": {"filter": [self.agent.clone(), "{[\"]}"]},
        })
    }

    fn fields(&self) -> Fields {
        (
            self.name.clone(),
            1_722_585_600_000 + i64::from(self.second) * 1000,
            self.agent.clone(),
            json!({"filter": [self.agent.clone(), "{[\"]}"]}),
        )
    }
}

fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z{}\\[\\]\"\\\\:, \n\t\u{e9}\u{0}-\u{1f}]{0,40}",
        "[\\\\\"{}a]{0,200}",
    ]
}

fn generated() -> impl Strategy<Value = Generated> {
    (tricky(), tricky(), 0_u32..3600, any::<bool>()).prop_map(
        |(name, agent, second, instance_role)| Generated {
            name,
            agent,
            second,
            instance_role,
        },
    )
}

/// Lays the records out in one of the supported formats.
fn layout(records: &[Generated], format: u8) -> Vec<u8> {
    let values: Vec<Value> = records.iter().map(Generated::value).collect();
    let envelope = |v: &Value| {
        json!({"version": "0", "id": "x", "detail-type": "AWS API Call via CloudTrail",
               "source": "aws.ec2", "detail": v})
    };
    let text = match format {
        0 => json!({"Records": values}).to_string(),
        1 => serde_json::to_string_pretty(&json!({"Records": values})).unwrap(),
        2 => values
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        3 => Value::Array(values).to_string(),
        4 => values
            .iter()
            .map(|v| envelope(v).to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => serde_json::to_string_pretty(&Value::Array(values.iter().map(envelope).collect()))
            .unwrap(),
    };
    text.into_bytes()
}

fn decode_all(buffers: &[Vec<u8>], opts: &DecodeOptions) -> (Vec<Fields>, u64) {
    let mut fields = Vec::new();
    let mut records = 0;
    for buffer in buffers {
        let stats = decode_buffer("p", buffer, opts, &mut |r, _| {
            fields.push((
                r.event_name.as_deref().unwrap().to_owned(),
                r.event_time_millis,
                r.user_agent.as_deref().unwrap().to_owned(),
                serde_json::from_str(r.request_parameters.unwrap().get()).unwrap(),
            ));
        });
        assert!(stats.problems.is_empty(), "{:?}", stats.problems);
        records += stats.records;
    }
    fields.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    (fields, records)
}

fn sorted(mut fields: Vec<Fields>) -> Vec<Fields> {
    fields.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    fields
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn results_do_not_depend_on_layout_split_or_order(
        records in proptest::collection::vec(generated(), 1..16),
        format in 0_u8..6,
        split in any::<prop::sample::Index>(),
        padding in 0_usize..70,
    ) {
        let k = split.index(records.len() + 1);
        // Second part first, and padded, so every record moves; an empty part is no file.
        let mut buffers = Vec::new();
        for part in [&records[k..], &records[..k]] {
            if !part.is_empty() {
                buffers.push(layout(part, format));
            }
        }
        buffers[0].splice(0..0, std::iter::repeat_n(b' ', padding));

        let (all, seen) = decode_all(&buffers, &DecodeOptions::default());
        let expected = sorted(records.iter().map(Generated::fields).collect());
        prop_assert_eq!(&all, &expected);
        prop_assert_eq!(seen as usize, records.len());

        let (kept, seen) = decode_all(&buffers, &common::detector_prefilter());
        let expected_kept = sorted(
            records.iter().filter(|r| r.instance_role).map(Generated::fields).collect(),
        );
        prop_assert_eq!(kept, expected_kept);
        prop_assert_eq!(seen as usize, records.len());

        // One record per buffer gives the same again.
        let singles: Vec<Vec<u8>> = records.iter().map(|r| layout(std::slice::from_ref(r), format)).collect();
        prop_assert_eq!(decode_all(&singles, &DecodeOptions::default()).0, expected);
    }
}
