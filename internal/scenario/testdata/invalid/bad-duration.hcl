# expect: Invalid duration @ 7:12 ~ "20 seconds"
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "g" {
  within = "20 seconds"
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
