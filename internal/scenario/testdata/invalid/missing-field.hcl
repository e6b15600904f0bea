# expect: Missing required argument @ 7:16 ~ "host" is required
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "g" {
  check "ping" {
    on = "client"
  }
}
