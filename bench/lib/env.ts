// Environments for the "what if" variants.

/** This process's environment without NODE_EXTRA_CA_CERTS (which every node process parses at start). */
export function withoutCa(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}
