// Minimal Hardhat config for the local chain only (`hardhat node`, started by
// yilian.chain.localchain with this directory as cwd). No contracts are compiled here:
// Brownie compiles them. Settings match the ganache chain: london, chainId 1337, 20 accounts,
// 30M block gas limit.
//
// The mnemonic is the WELL-KNOWN PUBLIC DEVELOPMENT MNEMONIC: local chains only, never real funds.
const MNEMONIC = 'test test test test test test test test test test test junk';

// Interval mining for outage and throughput tests: YILIAN_BLOCK_TIME seconds (unset: automine).
const blockTime = Number(process.env.YILIAN_BLOCK_TIME || 0);

module.exports = {
  networks: {
    hardhat: {
      hardfork: 'london',
      chainId: 1337,
      accounts: { mnemonic: MNEMONIC, count: 20 },
      blockGasLimit: 30_000_000,
      mining: blockTime > 0 ? { auto: false, interval: blockTime * 1000 } : { auto: true },
    },
  },
  // Keep Hardhat's cache out of the source tree (var/ is ignored by git).
  paths: { cache: '../../var/hardhat/cache', artifacts: '../../var/hardhat/artifacts' },
};
