// Starts js-ipfs (npm `ipfs` 0.66, which implements the kubo RPC API) offline, its API on 127.0.0.1:PORT
// (0: a free port), for the kubo backend's tests. Prints "API http://127.0.0.1:<port>" once it serves;
// stops on SIGTERM/SIGINT or when stdin closes.   usage: node tools/ipfs-rpc.mjs REPO_DIR [PORT]
// js-ipfs is deprecated and its own `jsipfs daemon` fails on its transports here, hence this script.

// Node 20 lacks Promise.withResolvers (Node 22 has it), which js-ipfs's dependencies call.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve, reject
    const promise = new this((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

const [repo, port = '0'] = process.argv.slice(2)
if (!repo) {
  console.error('usage: node tools/ipfs-rpc.mjs REPO_DIR [PORT]')
  process.exit(2)
}

// Imported after the polyfill (static imports would run first).
const { create } = await import('ipfs-core')
const { HttpApi } = await import('ipfs-http-server')

const ipfs = await create({
  repo,
  offline: true,
  silent: true,
  preload: { enabled: false },
  config: {
    Addresses: { Swarm: [], API: `/ip4/127.0.0.1/tcp/${port}`, Gateway: [], RPC: [], Delegates: [] },
    Bootstrap: [],
    Discovery: { MDNS: { Enabled: false }, webRTCStar: { Enabled: false } }
  }
})
const api = new HttpApi(ipfs)
await api.start()
const { info } = api._apiServers[0]
console.log(`API http://${info.host}:${info.port}`)

let stopping = false
async function stop () {
  if (stopping) return
  stopping = true
  await api.stop()
  await ipfs.stop()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.resume()
