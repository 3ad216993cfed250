// Workload W1: Netskope-like alerts (~640 bytes, 26 fields), deterministic. alert_type: DLP 30%, Malware 25%,
// others 45%; severity "high" 54.5%. Written as one NDJSON file; returns its size in bytes.
import fs from "node:fs";

export function generateW1(file, n, seed = 42) {
  let x = seed >>> 0;
  const rand = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
  const others = [
    "uba",
    "Compromised Credential",
    "policy",
    "Security Assessment",
    "watchlist",
    "quarantine",
  ];
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const fd = fs.openSync(file, "w");
  let bytes = 0;
  let chunk = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    const alertType = r < 0.3 ? "DLP" : r < 0.55 ? "Malware" : pick(others);
    const severity = rand() < 0.545 ? "high" : pick(["medium", "low", "critical", "informational"]);
    const rec = {
      _id: (i + 1).toString(16).padStart(24, "0"),
      timestamp: 1763769600 + Math.floor(i / 10),
      type: "nspolicy",
      alert: "yes",
      alert_type: alertType,
      alert_name: `${alertType} policy ${Math.floor(rand() * 50)}`,
      severity,
      user: `user${Math.floor(rand() * 5000)}@example.com`,
      srcip: `10.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`,
      dstip: `34.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`,
      app: pick(["Microsoft OneDrive for Business", "Google Drive", "Box", "Dropbox", "Slack"]),
      appcategory: "Collaboration",
      activity: pick(["Upload", "Download", "Share", "Delete", "Edit"]),
      access_method: pick(["Client", "API Connector", "Reverse Proxy"]),
      browser: pick(["Chrome", "Firefox", "Edge", "Safari"]),
      os: pick(["Windows 11", "macOS 14", "iOS 17", "Android 14"]),
      device: pick(["Windows Device", "Mac Device", "iPhone"]),
      policy: `Block ${pick(["PCI", "PII", "HIPAA", "Source Code"])}`,
      action: pick(["block", "alert", "useralert", "allow"]),
      object: `document-${Math.floor(rand() * 100000)}.xlsx`,
      object_type: "File",
      file_size: Math.floor(rand() * 10_000_000),
      src_country: pick(["DE", "US", "FR", "JP", "BR"]),
      dst_country: pick(["US", "IE", "NL"]),
      site: pick(["onedrive", "gdrive", "box"]),
      traffic_type: "CloudApp",
    };
    chunk.push(JSON.stringify(rec));
    if (chunk.length === 5000) {
      const text = chunk.join("\n") + "\n";
      bytes += Buffer.byteLength(text);
      fs.writeSync(fd, text);
      chunk = [];
    }
  }
  if (chunk.length) {
    const text = chunk.join("\n") + "\n";
    bytes += Buffer.byteLength(text);
    fs.writeSync(fd, text);
  }
  fs.closeSync(fd);
  return bytes;
}

/** The 15-field W1 mapping (the performance issue's workload). */
export const W1_MAPPING = `{
  "version": "1.0",
  "eventSource": "netskopealert." & alert_type,
  "id": $id,
  "time": $time,
  "alertType": alert_type,
  "alertName": alert_name,
  "severity": severity,
  "user": user,
  "srcIp": srcip,
  "dstIp": dstip,
  "app": app,
  "activity": activity,
  "policy": policy,
  "action": action,
  "fileName": object
}`;
