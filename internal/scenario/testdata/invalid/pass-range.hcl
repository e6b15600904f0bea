# expect: Value out of range @ 5:10 ~ from 0 to 100; got 120
scenario "t" {
  lab = "two-subnets"
  track = "network"
  pass = 120
}
goal "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
