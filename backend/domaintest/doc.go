// Package domaintest holds the black-box tests of the organization and
// workspace domains, which need each other and accounts to set a scene: the
// permission matrices, tenant isolation, invitations, keys and limits, and
// the page benchmarks. It has no code of its own.
package domaintest
