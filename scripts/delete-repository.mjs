// Deletes an SWR repository: the e2e workflow's clean-up of its throwaway repository.
//   node scripts/delete-repository.mjs NAMESPACE REPOSITORY
// Keys and region come from HUAWEI_CLOUD_ACCESS_KEY_ID, HUAWEI_CLOUD_SECRET_ACCESS_KEY and
// HUAWEI_CLOUD_REGION; SWR_ENDPOINT overrides the API base URL. Signed by the official SDK's
// signer, so it shares no code with the action it cleans up after.
import http from 'node:http'
import https from 'node:https'
import sdkSigner from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'

const [namespace, repository] = process.argv.slice(2)
const {
  HUAWEI_CLOUD_ACCESS_KEY_ID: ak,
  HUAWEI_CLOUD_SECRET_ACCESS_KEY: sk,
  HUAWEI_CLOUD_REGION: region
} = process.env
if (!namespace || !repository || !ak || !sk || !(region || process.env.SWR_ENDPOINT)) {
  console.error(
    'usage: node scripts/delete-repository.mjs NAMESPACE REPOSITORY (with HUAWEI_CLOUD_* keys and region)'
  )
  process.exit(2)
}
const base =
  process.env.SWR_ENDPOINT ??
  `https://swr-api.${region}.${region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com'}`
const url = new URL(
  `${base.replace(/\/+$/, '')}/v2/manage/namespaces/${namespace}/repos/${repository.replaceAll('/', '$')}`
)
const headers = sdkSigner.AKSKSigner.sign(
  {
    endpoint: `${url.origin}${url.pathname}`,
    method: 'DELETE',
    headers: { 'Content-Type': 'application/json;charset=utf-8' },
    queryParams: {}
  },
  { getAk: () => ak, getSk: () => sk }
)
const status = await new Promise((resolve, reject) => {
  const req = (url.protocol === 'https:' ? https : http).request(
    url,
    { method: 'DELETE', headers },
    res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    }
  )
  req.on('error', reject)
  req.setTimeout(30_000, () => req.destroy(new Error('timeout')))
  req.end()
})
if (status === 404) console.log(`${namespace}/${repository} was already gone`)
else if (status >= 200 && status < 300) console.log(`deleted ${namespace}/${repository}`)
else {
  console.error(`deleting ${namespace}/${repository} failed: HTTP ${status}`)
  process.exit(1)
}
