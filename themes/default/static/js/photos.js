/*
 * DudaoPhotos: a photo taken as evidence, made small enough to keep and
 * send: decoded by the browser (so a file that is not an image is refused
 * whatever its name), scaled to a long side of at most 1600 px and stored
 * as JPEG (quality 0.85) on a canvas. Plus data: URLs for thumbnails (the
 * CSP allows data: images, not blob:).
 *
 * Classic script: globalThis.DudaoPhotos.
 */
(function (root) {
  'use strict';
  const MAX_SIDE = 1600;
  /** Larger originals are refused before decoding: a phone photo is 2–12 MB. */
  const MAX_INPUT_BYTES = 30 * 1024 * 1024;
  const QUALITY = 0.85;

  class PhotoError extends Error {}

  async function decode(file) {
    if (root.createImageBitmap) {
      try {
        return await root.createImageBitmap(file, { imageOrientation: 'from-image' });
      } catch (_) {
        throw new PhotoError(`“${file.name || '所选文件'}”不是可识别的图片，未添加。请选择 JPEG、PNG 等照片。`);
      }
    }
    const url = URL.createObjectURL(file);
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      return img;
    } catch (_) {
      throw new PhotoError(`“${file.name || '所选文件'}”不是可识别的图片，未添加。请选择 JPEG、PNG 等照片。`);
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  /**
   * {blob, width, height, type, bytes} for a chosen file; throws a
   * PhotoError with a Chinese message when it is too big or not an image.
   */
  async function prepare(file) {
    if (file.size > MAX_INPUT_BYTES) {
      throw new PhotoError(`“${file.name}”太大（${(file.size / 1024 / 1024).toFixed(1)} MB），单张原图最大 ${MAX_INPUT_BYTES / 1024 / 1024} MB。`);
    }
    const image = await decode(file);
    const w0 = image.width;
    const h0 = image.height;
    if (!w0 || !h0) throw new PhotoError(`“${file.name}”不是可识别的图片，未添加。`);
    const scale = Math.min(1, MAX_SIDE / Math.max(w0, h0));
    const width = Math.max(1, Math.round(w0 * scale));
    const height = Math.max(1, Math.round(h0 * scale));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    // JPEG has no transparency: white behind a transparent PNG, not black.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(image, 0, 0, width, height);
    if (image.close) image.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
    if (!blob) throw new PhotoError(`无法压缩“${file.name}”，未添加。`);
    return { blob: blob, width: width, height: height, type: 'image/jpeg', bytes: blob.size };
  }

  function dataUrl(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  /** A new photo id, unique within an assessment. */
  function newId() {
    return 'p-' + Date.now().toString(36) + '-' + Math.floor(Math.random() * 1e9).toString(36);
  }

  root.DudaoPhotos = { MAX_SIDE, MAX_INPUT_BYTES, QUALITY, PhotoError, prepare, dataUrl, newId };
})(globalThis);
