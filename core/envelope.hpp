#pragma once

#include "core/bounded_json.hpp"

#include <rapidjson/document.h>

#include <string>
#include <string_view>

/// The event envelope of topic github.webhooks: header names and the message key (CONTRACT.md).
namespace tributary::core::envelope {

inline constexpr std::string_view header_event = "github-event";
inline constexpr std::string_view header_delivery = "github-delivery";
inline constexpr std::string_view header_hook_id = "github-hook-id";
inline constexpr std::string_view header_target_type = "github-hook-installation-target-type";
inline constexpr std::string_view header_target_id = "github-hook-installation-target-id";
inline constexpr std::string_view header_received_at = "received-at";
inline constexpr std::string_view header_source = "source";
inline constexpr std::string_view header_content_type = "content-type";

inline constexpr std::string_view source_webhook = "webhook";
inline constexpr std::string_view source_reconciler = "reconciler";
inline constexpr std::string_view content_type_json = "application/json";

/// The message key that keeps one repository's events in order: repository.full_name, else
/// organization.login, else sender.login, else the delivery id.
std::string message_key(const rapidjson::Value& payload, std::string_view delivery_id);
/// The same key from a scan, without a DOM (what ingest uses).
std::string message_key(const payload_scan& scan, std::string_view delivery_id);

}  // namespace tributary::core::envelope
