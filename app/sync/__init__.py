"""The desk's side of sync: the HTTP client, the device token in the OS credential store, and
applying what the hub sends. The contract itself lives in the top-level `sync` package."""
