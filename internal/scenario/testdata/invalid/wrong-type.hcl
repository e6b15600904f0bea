# expect: Incorrect attribute value type @ 10:12 ~ number is required
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "g" {
  check "tcp" {
    on   = "client"
    host = "10.10.2.10"
    port = "eighty"
  }
}
