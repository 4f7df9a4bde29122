import { LineChart, ScaleTypes, type LineChartOptions } from '@carbon/charts-react';
import '@carbon/charts-react/styles.css';
import { lossData, type LossPoint } from './chart-data';

const OPTIONS: LineChartOptions = {
  title: 'Training loss',
  axes: {
    bottom: { title: 'Step (per phase)', mapsTo: 'key', scaleType: ScaleTypes.LINEAR },
    left: { title: 'Loss', mapsTo: 'value', scaleType: ScaleTypes.LINEAR },
  },
  curve: 'curveMonotoneX',
  height: '280px',
  toolbar: { enabled: false },
  animations: false,
};

/** The training loss as the page saw it reported, step by step (lazy: the charts library loads with it). */
export default function LossChart({ points }: { points: readonly LossPoint[] }) {
  return (
    <div data-testid="loss-chart" data-points={points.length}>
      <LineChart data={lossData(points)} options={OPTIONS} />
    </div>
  );
}
