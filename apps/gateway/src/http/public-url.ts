/** The base of `href` values: the address clients reach the gateway at (GatewayConfig.publicUrl). */
export const PUBLIC_URL = 'PUBLIC_URL';
