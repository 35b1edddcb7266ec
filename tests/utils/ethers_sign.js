// Signs EIP-712 typed data with ethers (npm, node_modules/ethers) for the cross-library tests.
// stdin: {"typedData": <eth_signTypedData_v4 JSON>, "privateKey": "0x…"}
// stdout: {"digest": "0x…", "signature": "0x…", "signer": "0x…"}
const { ethers } = require("ethers");

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const { typedData, privateKey } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  // ethers takes the types without EIP712Domain: it derives the domain type from the domain's fields.
  const types = { ...typedData.types };
  delete types.EIP712Domain;
  const wallet = new ethers.Wallet(privateKey);
  const digest = ethers.TypedDataEncoder.hash(typedData.domain, types, typedData.message);
  const signature = await wallet.signTypedData(typedData.domain, types, typedData.message);
  const signer = ethers.verifyTypedData(typedData.domain, types, typedData.message, signature);
  process.stdout.write(JSON.stringify({ digest, signature, signer }));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err));
  process.exit(1);
});
