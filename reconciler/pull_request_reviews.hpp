#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <string>

namespace tributary::reconciler {

/// The resource "reviews" of one pull request updated since the watermark: GET
/// /repos/{owner}/{repo}/pulls/{number}/reviews, conditionally (a 304: unchanged since compared)
/// unless `afresh` (a walk that follows one whose events the broker refused);
/// each submitted or dismissed review (pending ones are only their author's and no webhook
/// reports them) that github.pull_request_reviews lacks or holds in another state or
/// submitted_at is published as a `pull_request_review` event.
void reconcile_reviews(target_context& context, const std::string& full_name,
                       const rapidjson::Value& repository, const rapidjson::Value& pull_request,
                       bool afresh);

/// The webhook-shaped event for REST review `review` of `pull_request` in `repository`:
/// {"action":"submitted" ("dismissed" for a dismissed review),"review" (state in the webhook's
/// lower case),"pull_request","repository"}, delivery id
/// "reconciler:pull_request_review:<id>:<state>:<submitted_at>". Pure.
synthetic_event review_event(const rapidjson::Value& repository, const rapidjson::Value& pull_request,
                             const rapidjson::Value& review);

}  // namespace tributary::reconciler
