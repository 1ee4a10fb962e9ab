/** Least-squares slope of y over x; undefined for fewer than two distinct x. */
export function leastSquaresSlope(points: ReadonlyArray<{ x: number; y: number }>): number | undefined {
  if (points.length < 2) return undefined;
  const meanX = points.reduce((s, p) => s + p.x, 0) / points.length;
  const meanY = points.reduce((s, p) => s + p.y, 0) / points.length;
  let covariance = 0;
  let varianceX = 0;
  for (const p of points) {
    covariance += (p.x - meanX) * (p.y - meanY);
    varianceX += (p.x - meanX) ** 2;
  }
  return varianceX === 0 ? undefined : covariance / varianceX;
}
