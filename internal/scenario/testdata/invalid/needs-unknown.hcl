# expect: Unknown goal @ 14:26 ~ needs "fowarding", which is not declared. Did you mean "forwarding"?
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "forwarding" {
  check "sysctl" {
    on = "router"
    key = "net.ipv4.ip_forward"
    value = "1"
  }
}
goal "g" {
  needs = ["forwarding", "fowarding"]
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
