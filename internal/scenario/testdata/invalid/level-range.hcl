# expect: Value out of range @ 5:11 ~ from 1 to 5; got 6
scenario "t" {
  lab = "two-subnets"
  track = "network"
  level = 6
}
goal "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
