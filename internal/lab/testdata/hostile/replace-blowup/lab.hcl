# replace() with an empty pattern multiplies sizes: 1 MiB x 1 MiB.
lab "hostile" {}
locals {
  s1  = "0123456789abcdef"
  s2  = "${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}"
  s3  = "${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}"
  s4  = "${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}"
  s5  = "${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}"
  s6  = "${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}"
  big = replace(local.s6, "", local.s6)
}
network "lan" { subnet = "10.0.0.0/24" }
node "n1" { env = { X = local.big } }
