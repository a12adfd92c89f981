// How the emulator answers: JSON bodies with a request id, SWR errors in the shape the settings
// choose, and the API gateway's own errors. Every answer records its status and error code on
// the response, where the request log picks them up.
import { randomBytes } from 'node:crypto'

/** Where an answer's error code is kept on the response object, for the request log. */
export const ANSWERED_CODE = Symbol('answered error code')

// Messages close to the published error-code table's descriptions; 4040058 is quoted from a
// live answer (docs/swr-service.md, "Error answers").
const MESSAGES = {
  'SVCSTG.SWR.4000097': 'The number of namespaces has reached the maximum',
  'SVCSTG.SWR.4000098': 'The number of repositories has reached the maximum',
  'SVCSTG.SWR.4000306': 'The retention policy does not exist',
  'SVCSTG.SWR.4001008': 'Invalid namespace or repository name',
  'SVCSTG.SWR.4001028': 'Invalid namespace name',
  'SVCSTG.SWR.4001041': 'The domain parameter is invalid',
  'SVCSTG.SWR.4001048': 'Invalid request parameters',
  'SVCSTG.SWR.4001090': 'The shared account does not exist',
  'SVCSTG.SWR.4001158': 'The auto-sync rule does not exist',
  'SVCSTG.SWR.4001091': 'The permission parameter is incorrect',
  'SVCSTG.SWR.4011064': 'can not operate resources of other accounts',
  'SVCSTG.SWR.4030000': "Policy doesn't allow swr:*:* to be performed.",
  'SVCSTG.SWR.4037017': 'Insufficient permissions on the namespace',
  'SVCSTG.SWR.4039001': 'No permission to operate the namespace',
  'SVCSTG.SWR.4040010': 'The image does not exist',
  'SVCSTG.SWR.4040058': 'Namespace does not exists',
  'SVCSTG.SWR.4041061': 'Namespace not found',
  'SVCSTG.SWR.4060074': 'The namespace is not empty: delete its repositories first',
  'SVCSTG.SWR.4090006': 'The image already exists',
  'SVCSTG.SWR.4090060': 'Namespace already exists',
  'SVCSTG.SWR.4090089': 'The permission already exists',
  'SVCSTG.SWR.5007019': 'The number of repositories has reached the quota'
}

/** The body of an SWR error in one of the shapes of variants.js ERROR_SHAPES. */
export function errorBody(shape, errorCode, errorMessage) {
  switch (shape) {
    case 'live':
      return {
        errors: [{ errorCode, errorMessage, detail: '', encoded_authorization_message: '' }],
        error_code: errorCode,
        error_msg: errorMessage,
        encoded_authorization_message: ''
      }
    case 'object':
      return { errorCode, errorMessage }
    case 'array':
      return [{ errorCode, errorMessage, detail: '' }]
    case 'errors':
      return { errors: [{ errorCode, errorMessage }] }
    default:
      throw new Error(`unknown error shape ${shape}`)
  }
}

/** The error code in any body shape, for the request log (injected bodies included). */
export function codeIn(body) {
  const o = Array.isArray(body) ? body[0] : body
  if (typeof o !== 'object' || o === null) return undefined
  return o.error_code ?? o.errorCode ?? (Array.isArray(o.errors) ? codeIn(o.errors) : undefined)
}

export const requestId = () => randomBytes(16).toString('hex')

export function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=utf-8',
    'X-Request-Id': requestId(),
    'Content-Length': Buffer.byteLength(text),
    ...headers
  })
  res.end(text)
  return status
}

export function swrError(res, shape, status, code, message = MESSAGES[code] ?? code) {
  res[ANSWERED_CODE] = code
  return send(res, status, errorBody(shape, code, message))
}

export function gatewayError(res, status, code, message) {
  res[ANSWERED_CODE] = code
  return send(res, status, { error_code: code, error_msg: message, request_id: requestId() })
}

/** What the API gateway answers for a method and path that is no published API. */
export const noSuchApi = res =>
  gatewayError(
    res,
    404,
    'APIGW.0101',
    'The API does not exist or has not been published in the environment'
  )

/**
 * A stand-in for a response that keeps the answer instead of sending it: for a request that is
 * carried out although its answer is lost, or sent later a byte at a time.
 */
export function captureResponse() {
  return {
    statusCode: 0,
    headers: {},
    body: Buffer.alloc(0),
    headersSent: false,
    writeHead(status, headers = {}) {
      this.statusCode = status
      this.headers = headers
      this.headersSent = true
      return this
    },
    end(text = '') {
      this.body = Buffer.from(text)
    }
  }
}
