/**
 * The destination's default mapping: a copy of mappings/netskope/cloudtrail-lake.jsonata (Cloud Exchange's default
 * is for Netskope alerts and events). A test checks that the two stay the same.
 */
export const DEFAULT_MAPPING = `/*
  Netskope alerts and events -> \`cloudtrail-lake\` destination: the eventData of a CloudTrail Lake integration
  event, as Cloud Exchange's CloudTrail Lake plugin maps them by default. This is the destination's default
  mapping (a SIEM mapping with no \`mapping:\` uses it).
  Input: a Netskope alert (type "nspolicy"; alert_type DLP, Malware, uba, ...) or event (page, application,
  audit, network, incident, infrastructure), as a Cloud Exchange-style source pulls them.
  Maps: eventSource "netskope<type>.<subtype, lower case, no spaces>" (netskopealert.dlp, netskopeevent.page);
  eventTime from the epoch-second \`timestamp\` (else the record time), in UTC; userIdentity from user (else
  group), with details.access_method; userAgent from browser; UID from transaction_id, else _id, else the
  record id; eventName from activity (else alert_name, else the subtype); sourceIPAddress from srcip (else
  userip) when it is an IP address; additionalEventData: alert_type, alert_name, severity, policy, action, app,
  appcategory, object, url, dstip, src_country, dst_country, audit_log_event.
  The destination fills recipientAccountId from the channel ARN.
  Unmapped (sent in additionalEventData only with \`additionalData: true\`): alert, os, device, tags,
  dlp_incident, bytes, page_duration, traffic_type, ... (and _id when transaction_id is there; both are read).
*/
(
  $st := $subtype != "" ? $subtype : ($type = "alert" ? alert_type : type);
  $seconds := $exists(timestamp) and $contains($string(timestamp), /^[0-9]+(\\.[0-9]+)?$/);
  $ip := [srcip, userip][$contains($string($), /^[0-9A-Fa-f:.]+$/)][0];
  $extra := {
    "alert_type": alert_type,
    "alert_name": alert_name,
    "severity": severity,
    "policy": policy,
    "action": action,
    "app": app,
    "appcategory": appcategory,
    "object": object,
    "url": url,
    "dstip": dstip,
    "src_country": src_country,
    "dst_country": dst_country,
    "audit_log_event": audit_log_event
  };
  {
    "version": "1.0",
    "userIdentity": {
      "type": user ? "User" : (group ? "Group" : "Unknown"),
      "principalId": user ? $string(user) : (group ? $string(group) : "unknown"),
      "details": access_method ? {"access_method": access_method}
    },
    "userAgent": browser ? $string(browser),
    "eventSource": "netskope" & $type & ($st ? "." & $lowercase($replace($string($st), " ", "")) : ""),
    "eventName": [activity, alert_name, $st, $type][$ != null and $string($) != ""][0],
    "eventTime": $fromMillis(
      $seconds ? $floor($number(timestamp)) * 1000 : $time,
      "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01]Z"
    ),
    "UID": $string([transaction_id, _id, $id][$ != null and $string($) != ""][0]),
    "sourceIPAddress": $ip,
    "additionalEventData": $count($keys($extra)) > 0 ? $extra
  }
)
`;
