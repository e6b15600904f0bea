# Its variables file nests for expressions over literal tuples.
lab "hostile" {}
variable "x" {
  type    = list(any)
  default = []
}
network "lan" { subnet = "10.0.0.0/24" }
node "n1" {}
