lab "minimal" {}
