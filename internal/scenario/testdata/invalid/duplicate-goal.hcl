# expect: Duplicate goal @ 12:1 ~ already declared at
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
goal "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.2"
  }
}
