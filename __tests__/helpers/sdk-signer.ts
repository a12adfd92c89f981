// The official Node SDK's signer, typed: the oracle the signing tests check ours against.
import sdkSigner from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'

export const { AKSKSigner } = sdkSigner as unknown as {
  AKSKSigner: {
    sign(
      request: {
        endpoint: string
        method: string
        headers: Record<string, string>
        queryParams: Record<string, string | string[]>
        data?: unknown
      },
      credential: { getAk(): string; getSk(): string }
    ): Record<string, string>
  }
}
