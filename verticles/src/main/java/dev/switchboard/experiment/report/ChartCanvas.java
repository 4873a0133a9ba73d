package dev.switchboard.experiment.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The look every plot shares, and drawing one to PNG: a {@value #WIDTH}×{@value #HEIGHT} chart drawn at
 * {@value #SCALE}× so it stays sharp on a high-density screen and in print. One colour per variant,
 * the same in every plot; fault windows as grey bands behind the lines. Experiment reports and the
 * benchmark's plots draw with it.
 */
public final class ChartCanvas {

  static final int WIDTH = 900;
  static final int HEIGHT = 450;
  static final int SCALE = 2;

  /** Okabe and Ito's palette, told apart with every kind of colour vision; vermillion comes late, yellow not at all. */
  private static final List<Color> VARIANT_COLOURS = List.of(
      new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xCC79A7),
      new Color(0x56B4E9), new Color(0xD55E00), new Color(0x000000), new Color(0x999933));
  private static final Color FAULT_FILL = new Color(90, 90, 90, 48);
  private static final Color FAULT_EDGE = new Color(90, 90, 90, 150);
  private static final int MARKER_SIZE = 6;
  private static final BasicStroke SOLID = new BasicStroke(2.0f);
  private static final BasicStroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
      new float[] {6f, 4f}, 0f);

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private ChartCanvas() {
  }

  public static XYChart chart(String title, String xAxisTitle, String yAxisTitle) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(title).xAxisTitle(xAxisTitle).yAxisTitle(yAxisTitle).build();
    Styler styler = chart.getStyler();
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotBorderColor(new Color(0xBBBBBB));
    styler.setChartFontColor(new Color(0x222222));
    styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    styler.setChartTitleBoxVisible(false);
    styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    styler.setLegendBorderColor(Color.WHITE);
    styler.setLegendPosition(Styler.LegendPosition.OutsideE);
    styler.setLegendLayout(Styler.LegendLayout.Vertical);
    styler.setLegendPadding(6);
    styler.setLegendSeriesLineLength(28);
    styler.setAntiAlias(true);
    chart.getStyler().setPlotGridLinesColor(new Color(0xE4E4E4));
    chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    chart.getStyler().setAxisTickMarksColor(new Color(0x888888));
    chart.getStyler().setMarkerSize(0); // series are lines; marked(...) gives a series its dots
    return chart;
  }

  static Color colour(int variantIndex) {
    return VARIANT_COLOURS.get(variantIndex % VARIANT_COLOURS.size());
  }

  /** A line in the variant's colour, solid or dashed. */
  public static XYSeries line(XYChart chart, String name, double[] x, double[] y, int variantIndex, boolean dashed) {
    XYSeries series = chart.addSeries(name, x, y);
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineColor(colour(variantIndex));
    series.setLineStyle(dashed ? DASHED : SOLID);
    return series;
  }

  /**
   * Draws a dot at each of the series' points, in its line's colour: for a line of few measured points
   * (a rate search, calls in flight), where a reader should see what was measured and what is drawn
   * between. The chart's markers take a size from then on (its other series keep none).
   */
  public static XYSeries marked(XYChart chart, XYSeries series) {
    chart.getStyler().setMarkerSize(MARKER_SIZE);
    series.setMarker(SeriesMarkers.CIRCLE);
    series.setMarkerColor(series.getLineColor());
    return series;
  }

  /**
   * Fixes the y axis to [bottom, top] and shades each fault window over its whole height, behind the series
   * added after.
   */
  static void faultBands(XYChart chart, List<FaultWindow> faults, double bottom, double top) {
    chart.getStyler().setYAxisMin(bottom);
    chart.getStyler().setYAxisMax(top);
    for (int i = 0; i < faults.size(); i++) {
      FaultWindow fault = faults.get(i);
      String name = "fault: " + fault.target() + " " + fault.description();
      while (chart.getSeriesMap().containsKey(name)) {
        name = name + " ";
      }
      XYSeries band = chart.addSeries(name, new double[] {fault.atS(), fault.untilS()}, new double[] {top, top});
      band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      band.setMarker(SeriesMarkers.NONE);
      band.setFillColor(FAULT_FILL);
      band.setLineColor(FAULT_EDGE);
      band.setLineStyle(new BasicStroke(6f)); // a bar along the band's top, and its mark in the legend
    }
  }

  public static byte[] png(XYChart chart) {
    BufferedImage image = new BufferedImage(WIDTH * SCALE, HEIGHT * SCALE, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    try {
      graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      graphics.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      graphics.scale(SCALE, SCALE);
      chart.paint(graphics, WIDTH, HEIGHT);
    } finally {
      graphics.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
