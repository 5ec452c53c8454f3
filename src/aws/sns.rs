//! Thin functions over the SNS client.

use aws_sdk_sns::Client;

use super::ApiError;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Subscription {
    pub protocol: String,
    pub endpoint: String,
    /// False while the address has not confirmed the subscription.
    pub confirmed: bool,
}

/// Whether the topic exists.
pub async fn topic_exists(client: &Client, topic_arn: &str) -> Result<bool, ApiError> {
    match client
        .get_topic_attributes()
        .topic_arn(topic_arn)
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(e) => {
            let err = ApiError::from_sdk("GetTopicAttributes", e);
            if err.is_not_found() {
                Ok(false)
            } else {
                Err(err)
            }
        }
    }
}

pub async fn subscriptions(
    client: &Client,
    topic_arn: &str,
) -> Result<Vec<Subscription>, ApiError> {
    let mut subs = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_subscriptions_by_topic()
            .topic_arn(topic_arn)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListSubscriptionsByTopic", e))?;
        for s in out.subscriptions() {
            let arn = s.subscription_arn().unwrap_or_default();
            subs.push(Subscription {
                protocol: s.protocol().unwrap_or_default().to_string(),
                endpoint: s.endpoint().unwrap_or_default().to_string(),
                confirmed: arn.starts_with("arn:"),
            });
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(subs);
        }
    }
}
