//! Amazon S3 on the local backend's API endpoint: the archive bucket the rules write into, read
//! and written by the AWS CLI, boto3 and our own SDK code (`soilctl::aws::s3`).

use crate::api::{aws, aws_json, local_env, run_with_local_env, with_local_env};
use crate::local::{LocalUp, deployed, wait_objects};
use crate::support::{Env, venv_bin};

/// Publishes one reading as sensor-1 (once the running broker has read the new device) and
/// waits for the rule to archive it; returns its key and body.
fn archived_reading(up: &LocalUp, env: &Env, bucket: &std::path::Path) -> (String, Vec<u8>) {
    crate::local::wait_until("the broker to accept sensor-1", || {
        let out = up.mqtt(env).device_publish(
            "sensor-1",
            &["-q", "1", "-m", r#"{"name":"sensor-1","humidity":41}"#],
        );
        (out.code == 0).then_some(())
    })
    .unwrap_or_else(|| panic!("sensor-1 was never accepted:\n{}", up.log()));
    wait_objects(bucket, 1).remove(0)
}

fn bucket_name(dir: &std::path::Path) -> String {
    dir.file_name().unwrap().to_str().unwrap().to_owned()
}

#[test]
fn the_aws_cli_and_boto3_read_and_write_the_archive_bucket() {
    let env = Env::new(None);
    let dir = deployed(&env, &["sensor-1"]);
    let bucket = bucket_name(&dir);
    let up = LocalUp::start(&env);
    let (key, body) = archived_reading(&up, &env, &dir);
    assert!(key.starts_with("sensor-1/"), "{key}");

    let listed = aws(&env, &["s3", "ls"]).expect(0);
    assert!(listed.stdout.contains(&bucket), "{listed:?}");
    let recursive = aws(
        &env,
        &["s3", "ls", &format!("s3://{bucket}"), "--recursive"],
    )
    .expect(0);
    assert!(recursive.stdout.contains(&key), "{recursive:?}");
    // The top level rolls the device's objects up into its folder.
    let top = aws(&env, &["s3", "ls", &format!("s3://{bucket}/")]).expect(0);
    assert!(top.stdout.contains("PRE sensor-1/"), "{top:?}");
    let got = aws(&env, &["s3", "cp", &format!("s3://{bucket}/{key}"), "-"]).expect(0);
    assert_eq!(got.stdout.as_bytes(), body.as_slice());

    // A local file up and back, under a key with a space, `+`, `%` and a non-ASCII letter.
    let odd_key = "uploads/odd name+é%.txt";
    let local = env.path("up.txt");
    let text = "line one\nline two\n".repeat(500);
    std::fs::write(&local, &text).unwrap();
    aws(
        &env,
        &[
            "s3",
            "cp",
            local.to_str().unwrap(),
            &format!("s3://{bucket}/{odd_key}"),
        ],
    )
    .expect(0);
    assert_eq!(std::fs::read_to_string(dir.join(odd_key)).unwrap(), text);
    let back = env.path("back.txt");
    aws(
        &env,
        &[
            "s3",
            "cp",
            &format!("s3://{bucket}/{odd_key}"),
            back.to_str().unwrap(),
        ],
    )
    .expect(0);
    assert_eq!(std::fs::read_to_string(&back).unwrap(), text);

    let versions = aws_json(
        &env,
        &["s3api", "list-object-versions", "--bucket", &bucket],
    );
    let mut seen: Vec<(&str, &str)> = versions["Versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| (v["Key"].as_str().unwrap(), v["VersionId"].as_str().unwrap()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [(key.as_str(), "null"), (odd_key, "null")],
        "{versions}"
    );

    let head = aws_json(
        &env,
        &["s3api", "head-object", "--bucket", &bucket, "--key", &key],
    );
    assert_eq!(head["ContentLength"], body.len());
    let missing = aws(
        &env,
        &[
            "s3api",
            "head-object",
            "--bucket",
            &bucket,
            "--key",
            "no/such/key",
        ],
    );
    assert_eq!(missing.code, 255, "{missing:?}");
    assert!(
        missing
            .stderr
            .contains("An error occurred (404) when calling the HeadObject operation: Not Found"),
        "{}",
        missing.stderr
    );
    let no_bucket = aws(&env, &["s3", "ls", "s3://no-such-bucket"]);
    assert_ne!(no_bucket.code, 0, "{no_bucket:?}");
    assert!(
        no_bucket.stderr.contains("NoSuchBucket"),
        "{}",
        no_bucket.stderr
    );

    // boto3: a Range read, pages of a listing, a key that would leave the bucket, a bucket
    // that is not empty, and DeleteObjects of what ListObjectVersions said.
    let python = venv_bin("python");
    let script = format!(
        r#"
import boto3, botocore
s3 = boto3.client('s3')
b = '{bucket}'
print(s3.get_object(Bucket=b, Key='{odd_key}', Range='bytes=5-7')['Body'].read().decode())
for i in range(5):
    s3.put_object(Bucket=b, Key=f'pages/{{i}}', Body=b'x' * i)
pages = s3.get_paginator('list_objects_v2').paginate(Bucket=b, Prefix='pages/', PaginationConfig={{'PageSize': 2}})
print(','.join(o['Key'] for p in pages for o in p.get('Contents', [])))
top = s3.list_objects_v2(Bucket=b, Delimiter='/', MaxKeys=2)
print([p['Prefix'] for p in top['CommonPrefixes']], top['IsTruncated'])
try:
    s3.put_object(Bucket=b, Key='a/../../escape', Body=b'no')
except botocore.exceptions.ClientError as e:
    print(e.response['Error']['Code'])
try:
    s3.delete_bucket(Bucket=b)
except botocore.exceptions.ClientError as e:
    print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'])
versions = s3.list_object_versions(Bucket=b)['Versions']
out = s3.delete_objects(Bucket=b, Delete={{'Objects': [{{'Key': v['Key'], 'VersionId': v['VersionId']}} for v in versions]}})
print(len(out['Deleted']), len(out.get('Errors', [])))
print(s3.list_objects_v2(Bucket=b)['KeyCount'])
try:
    s3.get_object(Bucket=b, Key='{key}')
except s3.exceptions.NoSuchKey:
    print('NoSuchKey')
"#
    );
    let out = with_local_env(&env, python.to_str().unwrap(), &["-c", &script]).expect(0);
    assert_eq!(
        out.stdout,
        "one\npages/0,pages/1,pages/2,pages/3,pages/4\n['pages/', 'sensor-1/'] True\nInvalidArgument\nBucketNotEmpty 409\n7 0\n0\nNoSuchKey\n",
        "{out:?}"
    );
    assert!(!dir.parent().unwrap().join("escape").exists());
    assert!(
        std::fs::read_dir(&dir).unwrap().next().is_none(),
        "the bucket folder is empty"
    );
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn our_sdk_code_reads_counts_empties_and_deletes_the_bucket() {
    let env = Env::new(None);
    let dir = deployed(&env, &["sensor-1"]);
    let bucket = bucket_name(&dir);
    let up = LocalUp::start(&env);
    let (key, _) = archived_reading(&up, &env, &dir);
    let endpoint = local_env(&env)["AWS_ENDPOINT_URL"]
        .as_str()
        .unwrap()
        .to_owned();

    // `status` through the AWS code path counts the archived object.
    let status = run_with_local_env(
        &env,
        env.command(&["--endpoint-url", &endpoint, "--output", "json", "status"]),
    )
    .expect(0)
    .json();
    assert_eq!(status["archive"]["bucket"], bucket.as_str(), "{status}");
    assert_eq!(status["archive"]["objects"], 1, "{status}");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        // Any credentials will do: the endpoint accepts every well-formed signature.
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(&endpoint)
            .region(aws_config::Region::new("local"))
            .credentials_provider(aws_credential_types::Credentials::new(
                "AKIDANYKEY",
                "any-secret",
                None,
                None,
                "test",
            ))
            .load()
            .await;
        let clients = soilctl::aws::clients(&config, "local".into(), Some(endpoint.clone()));
        let s3 = &clients.s3;
        // PutObject from a file streams an aws-chunked body with a trailing checksum; from
        // memory, a plain one.
        let file = env.path("big.bin");
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&file, &big).unwrap();
        s3.put_object()
            .bucket(&bucket)
            .key("uploads/big.bin")
            .body(
                aws_sdk_s3::primitives::ByteStream::from_path(&file)
                    .await
                    .unwrap(),
            )
            .send()
            .await
            .expect("a streamed PutObject");
        s3.put_object()
            .bucket(&bucket)
            .key("uploads/small.txt")
            .body(aws_sdk_s3::primitives::ByteStream::from_static(b"small"))
            .send()
            .await
            .expect("a PutObject from memory");
        assert_eq!(std::fs::read(dir.join("uploads/big.bin")).unwrap(), big);
        let got = s3
            .get_object()
            .bucket(&bucket)
            .key("uploads/big.bin")
            .send()
            .await
            .unwrap();
        assert_eq!(got.body.collect().await.unwrap().into_bytes().as_ref(), big);

        use soilctl::aws::s3 as ours;
        assert!(ours::bucket_exists(s3, &bucket).await.unwrap());
        assert!(!ours::bucket_exists(s3, "no-such-bucket").await.unwrap());
        let (objects, bytes) = ours::object_count(s3, &bucket).await.unwrap();
        assert_eq!(objects, 3);
        assert_eq!(
            bytes,
            std::fs::metadata(dir.join(&key)).unwrap().len() + 300_005
        );
        let delete = ours::delete_bucket(s3, &bucket).await.unwrap_err();
        assert_eq!(delete.code.as_deref(), Some("BucketNotEmpty"), "{delete}");
        // What teardown does: pages of versions, deleted until none is left.
        let page = ours::list_versions_page(s3, &bucket).await.unwrap();
        assert_eq!(page.len(), 3);
        assert!(
            page.iter().all(|(_, v)| v.as_deref() == Some("null")),
            "{page:?}"
        );
        let errors = ours::delete_versions(s3, &bucket, &page).await.unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(
            ours::list_versions_page(s3, &bucket)
                .await
                .unwrap()
                .is_empty()
        );
        ours::delete_bucket(s3, &bucket).await.unwrap();
        assert!(!ours::bucket_exists(s3, &bucket).await.unwrap());
    });
    assert!(!dir.exists());
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}
