// Types of image.mjs (plain JavaScript, see convert.mjs why).

export interface ImageRequest {
  /** A PNG or JPEG. */
  data: Uint8Array;
  /** Clockwise: 0, 90, 180 or 270. */
  degrees: number;
}

export interface ImageResult {
  png: Uint8Array;
  width: number;
  height: number;
}

export declare function transformImage(request: ImageRequest): Promise<ImageResult>;
