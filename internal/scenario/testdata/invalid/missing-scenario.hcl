# expect: Missing scenario block @ 1:1 ~ exactly one scenario
goal "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
